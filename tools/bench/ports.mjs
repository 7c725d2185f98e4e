// A free loopback port for the benchmarks' servers (the control plane's gRPC and /metrics listeners).
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
