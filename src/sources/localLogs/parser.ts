/**
 * The second reading thread of a large scan (bundled as dist/scanParser.js, small: no price
 * data). The scan worker hands it files to read; it answers with their entries (transferred,
 * not copied), one message per file, in the order given.
 */
import { parentPort } from 'node:worker_threads';
import { FileReader, runJob, type FromParser, type ParsedFile, type ToParser } from './reader';

const port = parentPort;
if (port) {
  const reader = new FileReader();
  port.on('message', (m: ToParser) => {
    for (const job of m.jobs) {
      let result: ParsedFile | null;
      try {
        result = runJob(reader, job);
      } catch {
        result = null;
      }
      port.postMessage({ type: 'parsed', id: job.id, result } satisfies FromParser, result ? [result.entries.buffer as ArrayBuffer] : []);
    }
  });
}
