// Name scopes: the model's body, or one instance of a block (its parameters and its own names, prefixed with the
// instance's name in the IR: `res3.a`). Binding, look-up, and the MC2001 / MC2002 messages about names.

import type { IToken } from "chevrotain";
import { type Diagnostic, type Span, error, lineCol } from "../../diagnostics.js";
import { didYouMean } from "../spelling.js";
import type { Binding, Val } from "./values.js";

/** Where an instance of a block came from, for the "in block … instantiated here" notes. */
export interface Instance {
  readonly block: string;
  /** The IR name of the instance (`res3`, `outer.r`). */
  readonly name: string;
  readonly call: Span;
}

export class Scope {
  private readonly bound = new Map<string, Binding>();
  /** Every name a statement of this body binds, to tell "used too early" from "unknown". */
  private readonly sites = new Map<string, Span>();
  /** IR names taken by repeat instances (`res3`), which are not bound as names. */
  private readonly claimed = new Map<string, Span>();

  /**
   * @param prefix prepended to local names in the IR: "" for the model, "r." inside instance r.
   * @param params a block's parameters, bound to the values of its call.
   */
  constructor(
    private readonly report: (d: Diagnostic) => void,
    readonly prefix = "",
    readonly params: ReadonlyMap<string, Val> = new Map(),
    readonly instance?: Instance,
  ) {}

  /** The IR name of a local name. */
  irName(local: string): string {
    return this.prefix + local;
  }

  /** Records where the body binds each name, before lowering it top to bottom. */
  noteSite(name: string, site: Span): void {
    if (!this.sites.has(name)) this.sites.set(name, site);
  }

  lookup(name: string): Binding | undefined {
    return this.bound.get(name);
  }

  /** Whether `name` may be bound here; reports why not (MC2001) when it may not. */
  canBind(name: string, at: Span): boolean {
    const prior = this.bound.get(name)?.site ?? (this.params.has(name) ? this.params.get(name)!.span : undefined);
    if (prior) {
      const what = this.bound.has(name) ? "first bound" : "a parameter of the block, given";
      this.report(error("MC2001", `'${name}' is already bound`, at, [{ message: `'${name}' was ${what} here`, span: prior }]));
      return false;
    }
    const repeat = this.claimed.get(name);
    if (repeat) {
      const message = `'${name}' is the name of a repeated instance; pick another name`;
      this.report(error("MC2001", message, at, [{ message: `the repeat that names its instances '${name.replace(/\d+$/, "")}1', '…2', … is here`, span: repeat }]));
      return false;
    }
    return true;
  }

  bind(name: string, binding: Binding): void {
    this.bound.set(name, binding);
  }

  /** Claims the IR names of repeat instances (`res1` … `res15`); false after reporting a clash. */
  claim(names: readonly string[], at: Span): boolean {
    for (const n of names) {
      const prior = this.bound.get(n)?.site ?? this.claimed.get(n);
      if (prior) {
        const message = `the repeat names its instances '${names[0]}' … '${names[names.length - 1]}', but '${n}' is already taken`;
        this.report(error("MC2001", message, at, [{ message: `'${n}' is taken here`, span: prior }]));
        return false;
      }
    }
    for (const n of names) this.claimed.set(n, at);
    return true;
  }

  /** The value of a bare name: a parameter's value, or a name with its binding (none for a word such as relu). */
  nameVal(tok: IToken, at: Span): Val {
    const param = this.params.get(tok.image);
    if (param) return param;
    const binding = this.bound.get(tok.image);
    return { kind: "name", name: tok.image, span: at, binding, unknown: () => this.unknown(tok.image, at) };
  }

  /** Reports (MC2002) why a name has no binding: used too early, used in its own statement, or unknown. */
  private unknown(name: string, here: Span): void {
    const site = this.sites.get(name);
    if (site && site.start > here.start) {
      const message = `'${name}' is used before it is bound on line ${lineCol(site.source, site.start).line}; statements run top to bottom`;
      this.report(error("MC2002", message, here, [{ message: `'${name}' is bound here`, span: site }]));
    } else if (site) {
      this.report(error("MC2002", `'${name}' is used in the statement that binds it`, here));
    } else {
      this.report(error("MC2002", `unknown name '${name}'${didYouMean(name, [...this.bound.keys(), ...this.params.keys()])}`, here));
    }
  }
}
