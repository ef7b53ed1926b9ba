import type { ApolloDriverConfig } from '@nestjs/apollo';
import { BREAK, GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import { findUnstorableText, postgresTextProblem, unstorableTextMessage, type UnstorableText } from '../../../platform/validation/postgres-text';

/** Apollo's plugin type as @nestjs/apollo sees it (its own copy of @apollo/server's types). */
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

function inLiteral(node: ValueNode, path: string): UnstorableText | null {
  if (node.kind === Kind.STRING) {
    const problem = postgresTextProblem(node.value);
    return problem ? { path, problem } : null;
  }
  if (node.kind === Kind.LIST) {
    for (let i = 0; i < node.values.length; i += 1) {
      const found = inLiteral(node.values[i]!, `${path}[${i}]`);
      if (found) return found;
    }
  }
  if (node.kind === Kind.OBJECT) {
    for (const field of node.fields) {
      const found = inLiteral(field.value, `${path}.${field.name.value}`);
      if (found) return found;
    }
  }
  // Numbers, booleans, enums, null and variables (checked in the variables) hold no text.
  return null;
}

/** The first string literal of the document (argument or variable default) PostgreSQL cannot hold. */
function inDocument(document: DocumentNode): UnstorableText | null {
  let found: UnstorableText | null = null;
  visit(document, {
    Argument(node) {
      found = inLiteral(node.value, node.name.value);
      return found ? BREAK : undefined;
    },
    VariableDefinition(node) {
      found = node.defaultValue ? inLiteral(node.defaultValue, node.variable.name.value) : null;
      return found ? BREAK : undefined;
    },
  });
  return found;
}

/**
 * Refuses, before execution, every operation whose text arguments (literals in the document or
 * variables, at any depth) hold text PostgreSQL cannot store (ADR 0030): BAD_USER_INPUT (HTTP
 * 400) naming the argument, so no resolver, workflow or label purchase ever sees it. One check
 * for every argument of every operation, present and future.
 */
export function storableTextPlugin(): ApolloPlugin {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ document, request }: { document: DocumentNode; request: { variables?: Record<string, unknown> } }) => {
        const found = inDocument(document) ?? findUnstorableText(request.variables ?? {});
        if (found) {
          throw new GraphQLError(unstorableTextMessage(found), { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
        }
      },
    }),
  };
}
