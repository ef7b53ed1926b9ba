import type { PackageDefinition } from '@grpc/proto-loader';
import { FileDescriptorProto, type IDescriptorProto, type IFileDescriptorProto } from 'protobufjs/ext/descriptor';

/** The name protoc gives a map field's entry message: `statuses` -> `StatusesEntry`, `by_id` -> `ByIdEntry`. */
export function mapEntryName(field: string): string {
  const camel = field.replace(/_+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

function fixMessage(message: IDescriptorProto): void {
  for (const field of message.field ?? []) {
    const entry = (message.nestedType ?? []).find((nested) => nested.options?.mapEntry && nested.name === field.typeName);
    if (!entry || !field.name) continue;
    entry.name = field.typeName = mapEntryName(field.name);
  }
  (message.nestedType ?? []).forEach(fixMessage);
}

function fixFile(bytes: Buffer): Buffer {
  const file = FileDescriptorProto.decode(bytes) as IFileDescriptorProto;
  (file.messageType ?? []).forEach(fixMessage);
  return Buffer.from(FileDescriptorProto.encode(file).finish());
}

/**
 * The package definition with the descriptors reflection serves made valid. proto-loader's
 * descriptors (protobufjs) name a map field's entry message after the field alone (`Statuses`),
 * where protobuf requires `StatusesEntry`; grpcurl (Go's protobuf) then refuses the whole file:
 * "is an invalid map: incorrect implicit map entry name". grpc.health.v1 has such a field.
 */
export function withProtocMapEntryNames(pkg: PackageDefinition): PackageDefinition {
  const cache = new Map<Buffer, Buffer>();
  const fixed = (bytes: Buffer) => cache.get(bytes) ?? cache.set(bytes, fixFile(bytes)).get(bytes)!;
  return Object.fromEntries(
    Object.entries(pkg).map(([name, definition]) => [
      name,
      'fileDescriptorProtos' in definition && Array.isArray(definition.fileDescriptorProtos)
        ? { ...definition, fileDescriptorProtos: definition.fileDescriptorProtos.map(fixed) }
        : definition,
    ]),
  ) as PackageDefinition;
}
