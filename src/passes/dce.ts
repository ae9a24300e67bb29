// dead-code-elimination: drops every node that no output needs. Inputs stay: they are the model's interface.

import type { Pass } from "./pass.js";
import { dropDeadNodes } from "./pass.js";

export const deadCodeElimination: Pass = {
  name: "dce",
  summary: "drop nodes that no output needs (inputs stay)",
  run: (graph) => dropDeadNodes(graph),
};
