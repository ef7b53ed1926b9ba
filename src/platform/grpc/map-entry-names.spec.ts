import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { FileDescriptorProto, type IFileDescriptorProto } from 'protobufjs/ext/descriptor';
import { mapEntryName, withProtocMapEntryNames } from './map-entry-names';

const HEALTH_LIST_RESPONSE = 'grpc.health.v1.HealthListResponse';

function listResponseOf(pkg: ReturnType<typeof loadSync>) {
  const definition = pkg[HEALTH_LIST_RESPONSE] as { fileDescriptorProtos: Buffer[] };
  const files = definition.fileDescriptorProtos.map((bytes) => FileDescriptorProto.decode(bytes) as IFileDescriptorProto);
  return files.flatMap((f) => f.messageType ?? []).find((m) => m.name === 'HealthListResponse')!;
}

describe('map entry names in the descriptors reflection serves', () => {
  it('names an entry as protoc does', () => {
    expect(['statuses', 'by_id', 'byId'].map(mapEntryName)).toEqual(['StatusesEntry', 'ByIdEntry', 'ByIdEntry']);
  });

  it("fix grpc.health.v1's map field, which proto-loader names `Statuses` (grpcurl refuses it)", () => {
    const pkg = loadSync(healthProtoPath, { keepCase: false });
    expect(listResponseOf(pkg).nestedType?.map((n) => n.name)).toEqual(['Statuses']);
    const fixed = listResponseOf(withProtocMapEntryNames(pkg));
    expect(fixed.nestedType?.map((n) => [n.name, n.options?.mapEntry])).toEqual([['StatusesEntry', true]]);
    expect(fixed.field?.map((f) => [f.name, f.typeName])).toEqual([['statuses', 'StatusesEntry']]);
  });
});
