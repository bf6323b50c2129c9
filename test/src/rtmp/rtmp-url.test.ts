import t from 'tap';
import { RtmpError } from '../../../src/rtmp/rtmp-error.js';
import { parseRtmpUrl } from '../../../src/rtmp/rtmp-url.js';

t.test('parses host, default port, app and stream name', async (t) => {
  t.same(parseRtmpUrl('rtmp://push.example.com/live/stream_1'), {
    host: 'push.example.com',
    port: 1935,
    app: 'live',
    streamName: 'stream_1',
    query: '',
    tcUrl: 'rtmp://push.example.com/live',
    publishName: 'stream_1',
  });
});

t.test('passes the query through to the publish name and the tcUrl', async (t) => {
  const url = parseRtmpUrl('rtmp://127.0.0.1:19350/live/abc?txSecret=f00d&txTime=5C2A3B4D');
  t.equal(url.port, 19350);
  t.equal(url.query, 'txSecret=f00d&txTime=5C2A3B4D');
  t.equal(url.publishName, 'abc?txSecret=f00d&txTime=5C2A3B4D');
  t.equal(url.tcUrl, 'rtmp://127.0.0.1:19350/live?txSecret=f00d&txTime=5C2A3B4D');
});

t.test('keeps multi-segment apps and bracketed IPv6 hosts', async (t) => {
  const url = parseRtmpUrl('RTMP://[::1]:1936/app/instance/name');
  t.equal(url.host, '::1');
  t.equal(url.port, 1936);
  t.equal(url.app, 'app/instance');
  t.equal(url.streamName, 'name');
  t.equal(url.tcUrl, 'rtmp://[::1]:1936/app/instance');
});

t.test('malformed URLs fail with URL naming the field, value and expectation', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['http://host/live/name', /scheme "http" is not supported/],
    ['rtmps://host/live/name', /scheme "rtmps" is not supported/],
    ['host/live/name', /it has no scheme/],
    ['rtmp://host', /path with app and stream name is missing/],
    ['rtmp://host/live', /has no stream name after the app/],
    ['rtmp://host/live/', /the stream name is empty/],
    ['rtmp://host//name', /has an empty segment/],
    ['rtmp://host:70000/live/name', /port 70000 is outside 1\.\.65535/],
    ['rtmp://host:0/live/name', /port 0 is outside/],
    ['rtmp://host:abc/live/name', /port "abc" is not a number/],
    ['rtmp://:1935/live/name', /the host is empty/],
    ['rtmp://user@host/live/name', /user information/],
    ['rtmp://ho st/live/name', /whitespace/],
    ['rtmp://[::1/live/name', /no closing "\]"/],
    ['rtmp://host/live/name#x', /fragments/],
    ['', /it has no scheme/],
  ];
  for (const [value, reason] of cases) {
    try {
      parseRtmpUrl(value);
      t.fail(`accepted ${value}`);
    } catch (error) {
      t.type(error, RtmpError);
      const e = error as RtmpError;
      t.equal(e.code, 'URL', value);
      t.match(e.message, reason, value);
      t.match(
        e.message,
        /^Failed to parse RTMP URL ".*": .*; expected rtmp:\/\/host\[:port\]\/app\/streamName\[\?query\]$/,
      );
      t.same(
        { field: e.context.field, value: e.context.value, expected: e.context.expected },
        { field: 'url', value, expected: 'rtmp://host[:port]/app/streamName[?query]' },
      );
    }
  }
});
