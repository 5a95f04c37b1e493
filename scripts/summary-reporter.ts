/**
 * Prints one closing line, `N passed, N failed` (plus `, N skipped`), after vitest's own summary, so
 * CI logs end with a plain count.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (mod.state() === 'failed' && mod.children.size === 0) failed += 1;
    }
    process.stdout.write(`\n${String(passed)} passed, ${String(failed)} failed, ${String(skipped)} skipped\n`);
  }
}
