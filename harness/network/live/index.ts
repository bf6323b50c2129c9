/**
 * Live mode of the network area (real time, real sockets): the shaping TCP proxy for pushers in other
 * processes, the real-time driver it runs on, and the HTTP fault interceptor for real fetch/http calls.
 * Kept apart from `harness/network/index.ts` so simulations never load it. See docs/network.md.
 */

export { HttpFaultInterceptor, type InterceptedExchange } from './http-fault-interceptor.js';
export { LiveHttpFetch } from './live-http-fetch.js';
export { LiveProxy, type LiveProxyOptions } from './live-proxy.js';
export { RealTimeDriver } from './real-time-driver.js';
