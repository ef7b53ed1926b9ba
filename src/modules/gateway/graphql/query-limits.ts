import {
  GraphQLError,
  Kind,
  visit,
  type ASTNode,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  /** Levels of selection sets on data fields (the operation's own level included). */
  maxDepth: number;
  maxAliases: number;
  /** Data fields selected in one operation, fragments expanded: a simple, predictable cost. */
  maxFields: number;
  /**
   * Levels of an introspection path (`__schema`, `__type`), counted from the operation's root.
   * GraphiQL's introspection query is 15 deep: `__schema types fields args type` and nine `ofType`.
   */
  maxIntrospectionDepth: number;
  /** Consecutive `ofType` fields: GraphiQL asks for 9 (graphql-js's `typeDepth` default). */
  maxOfTypeNesting: number;
  /** Introspection fields in one operation, fragments expanded (GraphiQL's query selects about 230). */
  maxIntrospectionFields: number;
  /** Directives in the whole document. */
  maxDirectives: number;
  /** Fragment definitions in the document, used or not. */
  maxFragments: number;
  /** Lexical tokens the parser reads before it gives up (graphql-js `parse(..., { maxTokens })`). */
  maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 8,
  maxAliases: 20,
  maxFields: 300,
  maxIntrospectionDepth: 15,
  maxOfTypeNesting: 9,
  maxIntrospectionFields: 500,
  maxDirectives: 50,
  maxFragments: 100,
  maxTokens: 5000,
};

interface Measure {
  /** Levels of selection sets on data paths, this one included. */
  depth: number;
  /** Levels of selection sets on introspection paths, this one included (0: none below). */
  introspectionDepth: number;
  /** The longest chain of `ofType` fields that starts in this selection set. */
  ofTypeRun: number;
  /** The longest chain of `ofType` fields anywhere below. */
  ofTypeMax: number;
  aliases: number;
  fields: number;
  introspectionFields: number;
}

const EMPTY: Measure = { depth: 0, introspectionDepth: 0, ofTypeRun: 0, ofTypeMax: 0, aliases: 0, fields: 0, introspectionFields: 0 };

/** The fields that enter the schema's own description, which is bounded and cheap to answer. */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Measures a selection set with each fragment measured once and reused at every spread: counting
 * by expanding spreads again and again doubles the work per level of nested fragments, so a
 * one-kilobyte "fragment bomb" could hold the event loop for seconds before being refused.
 * The totals still count every use (a fragment spread ten times adds its fields ten times).
 *
 * Data and introspection are measured apart: GraphiQL's standard introspection query is 15 levels
 * deep, which no data query of this schema needs, while the data limits stay tight.
 */
class SelectionMeasurer {
  private readonly memo = new Map<string, Measure | 'measuring'>();

  constructor(private readonly fragments: Record<string, FragmentDefinitionNode>) {}

  measure(set: SelectionSetNode, introspection: boolean): Measure {
    const total: Measure = { ...EMPTY, depth: introspection ? 0 : 1, introspectionDepth: introspection ? 1 : 0 };
    for (const selection of set.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        if (introspection) total.introspectionFields += 1;
        else total.fields += 1;
        if (selection.alias) total.aliases += 1;
        if (!selection.selectionSet) continue;
        const entersIntrospection = introspection || INTROSPECTION_ROOTS.has(selection.name.value);
        const child = this.measure(selection.selectionSet, entersIntrospection);
        const ofTypeRun = introspection && selection.name.value === 'ofType' ? child.ofTypeRun + 1 : 0;
        inner = {
          ...child,
          depth: child.depth > 0 ? child.depth + 1 : 0,
          introspectionDepth: child.introspectionDepth > 0 ? child.introspectionDepth + 1 : 0,
          ofTypeRun,
          ofTypeMax: Math.max(child.ofTypeMax, ofTypeRun),
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = this.measure(selection.selectionSet, introspection);
      } else {
        inner = this.fragment(selection.name.value, introspection);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.introspectionDepth = Math.max(total.introspectionDepth, inner.introspectionDepth);
      total.ofTypeRun = Math.max(total.ofTypeRun, inner.ofTypeRun);
      total.ofTypeMax = Math.max(total.ofTypeMax, inner.ofTypeMax);
      total.aliases += inner.aliases;
      total.fields += inner.fields;
      total.introspectionFields += inner.introspectionFields;
    }
    return total;
  }

  private fragment(name: string, introspection: boolean): Measure {
    const key = `${introspection ? 'i' : 'd'}:${name}`;
    const known = this.memo.get(key);
    // A cycle is reported by GraphQL's own rules; inside one, the fragment counts as empty.
    if (known === 'measuring') return EMPTY;
    if (known) return known;
    const fragment = this.fragments[name];
    if (!fragment) return EMPTY;
    this.memo.set(key, 'measuring');
    const measured = this.measure(fragment.selectionSet, introspection);
    this.memo.set(key, measured);
    return measured;
  }
}

const refusal = (problems: string[], node: ASTNode) =>
  new GraphQLError(`Query refused: ${problems.join('; ')}`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } });

/**
 * A validation rule, so an operation that is too deep, too wide, uses too many aliases, directives
 * or fragments, or is a subscription, is refused before anything executes. Document-wide counts
 * are checked on entering the document, so their message comes before the standard rules' errors
 * (which stop at 100, e.g. one per unused fragment).
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).length;
      let directives = 0;
      visit(document, { Directive: () => void (directives += 1) });
      const problems = [
        directives > limits.maxDirectives ? `${directives} directives exceed ${limits.maxDirectives}` : null,
        fragments > limits.maxFragments ? `${fragments} fragments exceed ${limits.maxFragments}` : null,
      ].filter((p): p is string => p !== null);
      if (problems.length) context.reportError(refusal(problems, document));
    },
    OperationDefinition(operation) {
      if (operation.operation === 'subscription') {
        // The schema has no Subscription type; graphql-js would only notice during execution.
        context.reportError(
          new GraphQLError('Subscriptions are not supported by this API', { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } }),
        );
        return;
      }
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      }
      const m = new SelectionMeasurer(fragments).measure(operation.selectionSet, false);
      const l = limits;
      const problems = [
        m.depth > l.maxDepth ? `depth ${m.depth} exceeds ${l.maxDepth}` : null,
        m.introspectionDepth > l.maxIntrospectionDepth ? `introspection depth ${m.introspectionDepth} exceeds ${l.maxIntrospectionDepth}` : null,
        m.ofTypeMax > l.maxOfTypeNesting ? `${m.ofTypeMax} nested ofType exceed ${l.maxOfTypeNesting}` : null,
        m.aliases > l.maxAliases ? `${m.aliases} aliases exceed ${l.maxAliases}` : null,
        m.fields > l.maxFields ? `${m.fields} fields exceed ${l.maxFields}` : null,
        m.introspectionFields > l.maxIntrospectionFields ? `${m.introspectionFields} introspection fields exceed ${l.maxIntrospectionFields}` : null,
      ].filter((p): p is string => p !== null);
      if (problems.length) context.reportError(refusal(problems, operation));
    },
  });
}
