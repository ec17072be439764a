import type { MethodDefinition } from '@grpc/grpc-js';

/**
 * The shape of ts-proto's `outputServices=generic-definitions` output that the transport relies on. The
 * generated codecs are the serializers, so the gRPC path sees exactly the objects the in-process path sees
 * (oneofs as `{ $case, value }`, int64 as decimal strings), from one source of types.
 */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** `NO_SIDE_EFFECTS` marks reads, which the client may retry. */
export interface MethodOptions {
  readonly idempotencyLevel?: 'IDEMPOTENCY_UNKNOWN' | 'NO_SIDE_EFFECTS' | 'IDEMPOTENT';
}

/** Only unary methods: the stream flags are literal `false`, so a streaming definition does not type-check. */
export interface UnaryMethodDefinition<Req, Res> {
  readonly name: string;
  readonly requestType: MessageCodec<Req>;
  readonly requestStream: false;
  readonly responseType: MessageCodec<Res>;
  readonly responseStream: false;
  readonly options: MethodOptions;
}

export interface UnaryServiceDefinition {
  readonly name: string;
  /** Package-qualified, e.g. `glimpse.user.v1.UserService`. */
  readonly fullName: string;
  readonly methods: { readonly [method: string]: UnaryMethodDefinition<unknown, unknown> };
}

export type RequestOf<M> = M extends { readonly requestType: { decode(input: Uint8Array): infer T } }
  ? T
  : never;
export type ResponseOf<M> = M extends { readonly responseType: { decode(input: Uint8Array): infer T } }
  ? T
  : never;

/**
 * The Promise-based interface of a definition: what ts-proto generates as e.g. `UserService`. A service
 * class implementing the generated interface is accepted as the implementation of its definition, and a
 * gRPC client for the definition is assignable to the generated interface.
 */
export type ServiceImplementation<D extends UnaryServiceDefinition> = {
  [K in keyof D['methods']]: (request: RequestOf<D['methods'][K]>) => Promise<ResponseOf<D['methods'][K]>>;
};

/** grpc-js method definitions keyed like the ts-proto methods (lower camel case). */
export type GrpcServiceDefinition<D extends UnaryServiceDefinition> = {
  readonly [K in keyof D['methods']]: MethodDefinition<
    RequestOf<D['methods'][K]>,
    ResponseOf<D['methods'][K]>
  >;
};

/** The HTTP/2 path of a method: `/glimpse.user.v1.UserService/GetProfile`. */
export function methodPath(
  definition: UnaryServiceDefinition,
  method: UnaryMethodDefinition<unknown, unknown>,
): string {
  return `/${definition.fullName}/${method.name}`;
}

/** Reads are safe to retry; writes are not, whatever the service promises about idempotency. */
export function isSideEffectFree(method: UnaryMethodDefinition<unknown, unknown>): boolean {
  return method.options.idempotencyLevel === 'NO_SIDE_EFFECTS';
}

function serializer<T>(codec: MessageCodec<T>): (message: T) => Buffer {
  return (message) => {
    const bytes = codec.encode(message).finish();
    // A view, not a copy: the writer's output is not reused.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer<T>(codec: MessageCodec<T>): (bytes: Buffer) => T {
  return (bytes) => codec.decode(bytes);
}

/** The grpc-js definition of a ts-proto generic definition, for `Server.addService` and `Client` calls. */
export function toGrpcServiceDefinition<D extends UnaryServiceDefinition>(
  definition: D,
): GrpcServiceDefinition<D> {
  const grpcDefinition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    grpcDefinition[key] = {
      path: methodPath(definition, method),
      originalName: key,
      requestStream: false,
      responseStream: false,
      requestSerialize: serializer(method.requestType),
      requestDeserialize: deserializer(method.requestType),
      responseSerialize: serializer(method.responseType),
      responseDeserialize: deserializer(method.responseType),
    };
  }
  return grpcDefinition as GrpcServiceDefinition<D>;
}
