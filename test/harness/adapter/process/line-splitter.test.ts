import t from 'tap';
import { LineSplitter } from '../../../../harness/adapter/process/internal/line-splitter.js';

const feed = (max: number, chunks: string[]) => {
  const s = new LineSplitter(max);
  const lines: string[] = [];
  const long: string[] = [];
  for (const c of chunks)
    s.push(
      Buffer.from(c),
      (l) => lines.push(l),
      (h) => long.push(h),
    );
  return { lines, long, rest: s.rest() };
};

t.test('lines split across chunks come out whole; CRLF loses its CR', async (t) => {
  t.same(feed(100, ['{"a"', ':1}\r\n{"b":', '2}\n{"c"']), {
    lines: ['{"a":1}', '{"b":2}'],
    long: [],
    rest: '{"c"',
  });
});

t.test('an over-long line is reported once and skipped up to its newline', async (t) => {
  const r = feed(8, ['0123456', '789abc', 'def\nok\n']);
  t.same(r.lines, ['ok']);
  t.equal(r.long.length, 1);
  t.match(r.long[0], /^0123456789abc/);
});
