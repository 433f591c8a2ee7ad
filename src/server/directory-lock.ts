import fs from 'node:fs';

/**
 * Runs `work` while holding a lock shared by processes on one machine: a directory, since making
 * one is atomic. A lock older than `staleMs` was left by a holder that died, and is taken over.
 */
export async function withDirectoryLock<T>(lockDir: string, work: () => Promise<T>, options: { staleMs: number; pollMs: number }): Promise<T> {
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const heldSince = fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if (heldSince !== undefined && Date.now() - heldSince > options.staleMs) fs.rmSync(lockDir, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
