import { randomUUID } from 'node:crypto';
import { Breakdown } from '../options/scope';
import { QueryClient } from '../queries/client';
import { startStreaming, StreamingAgent } from './agent';
import { startEmbedded } from './embedded';

/** An embedded control plane fed by an agent on this host: top's history when no control plane is configured. */
export interface LocalPipeline {
  /** The agent's run: queries of this pipeline are scoped to it. */
  runId: string;
  /** The SQLite file the embedded control plane keeps. */
  dbPath: string;
  agent: StreamingAgent;
  client(): QueryClient;
  /** Stops the agent (once its final snapshot is acked), then the control plane. */
  stop(): Promise<void>;
}

export interface PipelineArgs {
  /** Stop the agent after this long; without it, it runs until stop(). */
  seconds?: number;
  breakdown?: Breakdown;
  errors?: boolean;
}

export async function startPipeline(args: PipelineArgs): Promise<LocalPipeline> {
  const cp = await startEmbedded();
  const runId = randomUUID();
  let agent: StreamingAgent;
  try {
    agent = startStreaming({ server: cp.address, tokenFile: cp.tokenFile, runId, ...args });
  } catch (e) {
    await cp.stop();
    throw e;
  }
  return {
    runId,
    dbPath: cp.dbPath,
    agent,
    client: () => new QueryClient(cp.address, cp.token),
    async stop() {
      agent.stop();
      await agent.done.catch(() => undefined);
      await cp.stop();
    },
  };
}
