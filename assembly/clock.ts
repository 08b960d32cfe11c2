// The host's clock, imported (performance.now: milliseconds): the threads build's timeouts and
// spinning, and the profile builds' phase times.

@external('env', 'now')
export declare function now(): f64;
