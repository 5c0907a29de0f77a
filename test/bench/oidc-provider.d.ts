/**
 * The part of oidc-provider 9's API the benchmark's peer uses (test/bench/peer.ts); the
 * package ships no types and @types/oidc-provider is not a dependency.
 */
declare module 'oidc-provider' {
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string, ready: () => void): unknown;
  }
}
