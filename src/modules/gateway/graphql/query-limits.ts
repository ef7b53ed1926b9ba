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
  depth: number;
  aliases: number;
  fields: number;
}

function measure(set: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen: Set<string>, depth: number): Measure {
  const total: Measure = { depth, aliases: 0, fields: 0 };
  for (const selection of set.selections) {
    let inner: Measure | null = null;
    if (selection.kind === Kind.FIELD) {
      total.fields += 1;
      if (selection.alias) total.aliases += 1;
      if (selection.selectionSet) inner = measure(selection.selectionSet, fragments, seen, depth + 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(selection.selectionSet, fragments, seen, depth);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      // A fragment cycle is reported by GraphQL's own rules; count each fragment once per path.
      if (fragment && !seen.has(name)) inner = measure(fragment.selectionSet, fragments, new Set([...seen, name]), depth);
    }
    if (inner) {
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases += inner.aliases;
      total.fields += inner.fields;
    }
  }
  return total;
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
      const m = measure(operation.selectionSet, fragments, new Set(), 1);
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
