import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  /** Fields selected in one operation, fragments expanded: a simple, predictable cost. */
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 8, maxAliases: 20, maxFields: 300 };

interface Measure {
  /** Levels of selection sets, this one included. */
  depth: number;
  aliases: number;
  fields: number;
}

const EMPTY: Measure = { depth: 0, aliases: 0, fields: 0 };

/**
 * Measures a selection set with each fragment measured once and reused at every spread: counting
 * by expanding spreads again and again doubles the work per level of nested fragments, so a
 * one-kilobyte "fragment bomb" could hold the event loop for seconds before being refused.
 * The totals still count every use (a fragment spread ten times adds its fields ten times).
 */
class SelectionMeasurer {
  private readonly memo = new Map<string, Measure | 'measuring'>();

  constructor(private readonly fragments: Record<string, FragmentDefinitionNode>) {}

  measure(set: SelectionSetNode): Measure {
    const total: Measure = { depth: 1, aliases: 0, fields: 0 };
    for (const selection of set.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        total.fields += 1;
        if (selection.alias) total.aliases += 1;
        if (!selection.selectionSet) continue;
        const child = this.measure(selection.selectionSet);
        inner = { ...child, depth: child.depth + 1 };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = this.measure(selection.selectionSet);
      } else {
        inner = this.fragment(selection.name.value);
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases += inner.aliases;
      total.fields += inner.fields;
    }
    return total;
  }

  private fragment(name: string): Measure {
    const known = this.memo.get(name);
    // A cycle is reported by GraphQL's own rules; inside one, the fragment counts as empty.
    if (known === 'measuring') return EMPTY;
    if (known) return known;
    const fragment = this.fragments[name];
    if (!fragment) return EMPTY;
    this.memo.set(name, 'measuring');
    const measured = this.measure(fragment.selectionSet);
    this.memo.set(name, measured);
    return measured;
  }
}

/**
 * A validation rule, so an operation that is too deep, too wide or uses too many aliases is
 * refused before anything executes.
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments: Record<string, FragmentDefinitionNode> = {};
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
      }
      const m = new SelectionMeasurer(fragments).measure(operation.selectionSet);
      const problems = [
        m.depth > limits.maxDepth ? `depth ${m.depth} exceeds ${limits.maxDepth}` : null,
        m.aliases > limits.maxAliases ? `${m.aliases} aliases exceed ${limits.maxAliases}` : null,
        m.fields > limits.maxFields ? `${m.fields} fields exceed ${limits.maxFields}` : null,
      ].filter((p): p is string => p !== null);
      if (problems.length) {
        context.reportError(new GraphQLError(`Query refused: ${problems.join('; ')}`, { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } }));
      }
    },
  });
}
