/**
 * Layering rules of docs/ARCHITECTURE.md ("Import rules"), checked by `npm run deps` (part of `npm test`).
 * "May import" is exhaustive: every server module may import `core/` and `@denwa/protocol`; anything
 * not allowed below is forbidden.
 */
const S = '^packages/server/src/';
const mod = (name) => `${S}${name}/`;
/** A rule allowing `from` to import only the listed server paths (regex fragments under src/). */
const allowOnly = (name, from, allowed, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: `${S}${from}` },
  to: { path: S, pathNot: allowed.map((a) => `${S}${a}`) },
});
const SOCKETS = '^(dgram|net|node:dgram|node:net)$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles.', from: {}, to: { circular: true } },
    {
      name: 'no-testkit-in-production',
      severity: 'error',
      comment: 'Production code never imports the testkit.',
      from: { path: '^packages/(?!testkit/)[^/]+/src/', pathNot: '\\.test\\.ts$|\\.contract\\.ts$' },
      to: { path: '^packages/testkit/' },
    },
    {
      name: 'protocol-is-isomorphic',
      severity: 'error',
      comment: 'packages/protocol runs in browsers and Node: no Node built-ins, no other workspace package.',
      from: { path: '^packages/protocol/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'protocol-is-a-leaf',
      severity: 'error',
      from: { path: '^packages/protocol/src/' },
      to: { path: '^packages/(?!protocol/)' },
    },
    {
      name: 'sdk-is-browser-only',
      severity: 'error',
      comment: 'The SDK imports only @denwa/protocol and its own files; no Node built-ins.',
      from: { path: '^packages/sdk/src/' },
      to: { path: '^packages/(?!(sdk|protocol)/)' },
    },
    {
      name: 'sdk-no-node-builtins',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: { dependencyTypes: ['core'] },
    },
    allowOnly('core-may-import', 'core', ['core/'], 'core/ imports no other server module.'),
    allowOnly('config-may-import', 'config', ['core/', 'config/'], 'config/ is the only reader of the environment; it builds on core.'),
    allowOnly('twiml-may-import', 'twiml', ['core/', 'twiml/'], 'twiml/ is a pure parser.'),
    {
      name: 'twiml-is-pure',
      severity: 'error',
      comment: 'twiml/ does no I/O: no Node built-ins.',
      from: { path: mod('twiml'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    allowOnly('store-ports-may-import', 'store/ports\\.ts$', ['core/', 'store/ports\\.ts$'], 'The store ports depend on nothing.'),
    allowOnly('store-impls-may-import', 'store', ['core/', 'store/'], 'store/memory and store/sqlite implement store/ports and know no domain module.'),
    allowOnly('calls-may-import', 'calls', ['core/', 'calls/', 'twiml/', 'store/ports\\.ts$'], 'calls/ is the domain core: twiml, store ports and its own ports.'),
    {
      name: 'calls-no-io',
      severity: 'error',
      comment: 'calls/ reaches the network only through its ports.',
      from: { path: mod('calls'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(net|dgram|http|https|tls)$' },
    },
    allowOnly('webhooks-may-import', 'webhooks', ['core/', 'webhooks/', 'calls/ports\\.ts$', 'store/ports\\.ts$'], 'webhooks/ implements calls.WebhookClient.'),
    allowOnly('signaling-auth-may-import', 'signaling/auth', ['core/', 'signaling/auth/'], 'Token verification is self-contained; it takes lookups as functions.'),
    {
      name: 'pure-codecs',
      severity: 'error',
      comment: 'media/rtp, media/sdp and sip/message are pure parsers and serializers: no Node I/O modules.',
      from: { path: `${S}(media/rtp|media/sdp|sip/message)/`, pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(dgram|net|tls|http|https|fs|child_process|worker_threads)$' },
    },
    allowOnly('pure-codecs-may-import', '(media/rtp|media/sdp|sip/message)/', ['core/', 'media/rtp/', 'media/sdp/', 'sip/message/'], 'Pure codecs import only each other.'),
    allowOnly('media-may-import', 'media/', ['core/', 'media/', 'calls/ports\\.ts$'], 'media/ knows lower media layers, its net port and the calls ports (types).'),
    allowOnly('sip-stack-may-import', 'sip/(?!trunk/|index\\.ts$)', ['core/', 'sip/(?!trunk/|index\\.ts$)'], 'The SIP stack (message → transaction → dialog → ua) knows no domain module.'),
    allowOnly('sip-trunk-may-import', 'sip/trunk/', ['core/', 'sip/', 'calls/', 'store/ports\\.ts$'], 'sip/trunk implements calls.LegDriver for PSTN legs.'),
    allowOnly('signaling-session-may-import', 'signaling/session/', ['core/', 'signaling/session/', 'signaling/auth/', 'calls/'], 'The signaling session FSM is pure of ws and HTTP.'),
    allowOnly('recording-insights-may-import', '(recording|insights)/', ['core/', 'recording/', 'insights/', 'calls/ports\\.ts$', 'calls/events\\.ts$', 'media/index\\.ts$', 'store/ports\\.ts$'], 'Recording and insights consume call events and media taps.'),
    {
      name: 'edge-no-protocol-internals',
      severity: 'error',
      comment: 'api/ and console/ sit at the HTTP edge: no SIP, media or signaling internals.',
      from: { path: `${S}(api|console)/` },
      to: { path: `${S}(sip|media|signaling/(?!auth/index\\.ts$))` },
    },
    {
      name: 'edge-no-store-impls',
      severity: 'error',
      from: { path: `${S}(api|console)/` },
      to: { path: `${S}store/(memory|sqlite)/` },
    },
    {
      name: 'sockets-in-adapters-only',
      severity: 'error',
      comment: 'node:dgram, node:net and ws are imported only by transport adapters.',
      from: {
        path: '^packages/server/src/',
        pathNot: '(/transport/node-[^/]+\\.ts|media/net/node-udp\\.ts|signaling/server\\.ts|\\.test\\.ts)$',
      },
      to: { path: `${SOCKETS}|^ws$|node_modules/ws/` },
    },
    {
      name: 'modules-through-their-barrel',
      severity: 'error',
      comment:
        'Another module is imported through its index.ts (or its ports.ts); deep imports across modules are not allowed.',
      from: { path: `${S}([^/]+)/` },
      to: {
        path: `${S}[^/]+/`,
        pathNot: [`${S}$1/`, `${S}[^/]+/index\\.ts$`, `${S}[^/]+/ports\\.ts$`, `${S}signaling/auth/index\\.ts$`],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    preserveSymlinks: false,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
