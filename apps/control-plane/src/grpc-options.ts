import { ServerCredentials } from '@grpc/grpc-js';
import { GrpcOptions, Transport } from '@nestjs/microservices';
import { PROTO_DIR, PROTO_FILES, PROTO_PACKAGE } from '@syscall-counter/proto';
import { join } from 'node:path';
import { tolerateMalformed } from './common/malformed-requests';
import { AppConfig } from './config/configuration';

export function grpcOptions(config: AppConfig): GrpcOptions {
  const credentials = config.tls
    ? ServerCredentials.createSsl(
        config.tls.ca ? Buffer.from(config.tls.ca) : null,
        [{ cert_chain: Buffer.from(config.tls.cert), private_key: Buffer.from(config.tls.key) }],
        Boolean(config.tls.ca),
      )
    : ServerCredentials.createInsecure();
  return {
    transport: Transport.GRPC,
    options: {
      url: config.listen,
      package: PROTO_PACKAGE,
      protoPath: PROTO_FILES.map((f) => join(PROTO_DIR, f)),
      // Strings for 64-bit integers and enums: the shapes ts-proto's types describe.
      loader: { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] },
      maxReceiveMessageLength: config.maxMessageBytes,
      credentials,
      onLoadPackageDefinition: (pkg) => tolerateMalformed(pkg),
      channelOptions: {
        // Connections that carry no call (idle sockets, a client that never speaks) are closed...
        'grpc.max_connection_idle_ms': config.idleTimeoutMs,
        // ...and so are those whose peer is gone: a ping a minute, answered within 20 s.
        'grpc.keepalive_time_ms': 60_000,
        'grpc.keepalive_timeout_ms': 20_000,
      },
    },
  };
}
