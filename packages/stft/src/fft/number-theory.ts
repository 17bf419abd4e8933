/**
 * The number theory the FFT plans need: primes, generators modulo a prime (Rader), modular powers,
 * and smooth numbers (convolution lengths of Bluestein's algorithm, sizes of the WebAssembly FFT).
 */

/** Whether n is prime (trial division: plan sizes are at most 2^22). */
export function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return false;
  return true;
}

/** base^exp mod `mod` by repeated squaring (exact for mod < 2^26: products stay below 2^53). */
export function powMod(base: number, exp: number, mod: number): number {
  let result = 1;
  let b = base % mod;
  let e = exp;
  while (e > 0) {
    if (e & 1) result = (result * b) % mod;
    b = (b * b) % mod;
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * The smallest generator g of the multiplicative group modulo the prime p: g^((p - 1) / f) != 1
 * for every prime factor f of p - 1.
 */
export function primitiveRoot(p: number): number {
  const phi = p - 1;
  const factors: number[] = [];
  let m = phi;
  for (let f = 2; f * f <= m; f++) {
    if (m % f === 0) {
      factors.push(f);
      while (m % f === 0) m /= f;
    }
  }
  if (m > 1) factors.push(m);
  for (let g = 2; g < p; g++) {
    if (factors.every((f) => powMod(g, phi / f, p) !== 1)) return g;
  }
  return 1;
}

/** The smallest m >= n of the form 2^a 3^b 5^c (5-smooth). */
export function smoothAtLeast(n: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let p5 = 1; p5 < 2 * n; p5 *= 5) {
    for (let p35 = p5; p35 < 2 * n; p35 *= 3) {
      let m = p35;
      while (m < n) m *= 2;
      if (m < best) best = m;
    }
  }
  return best;
}

/** Whether n = 3^a 2^b (the sizes the WebAssembly module's Stockham FFT runs directly). */
export function isSmooth3(n: number): boolean {
  if (!(n >= 1)) return false;
  let m = n;
  while (m % 3 === 0) m /= 3;
  return (m & (m - 1)) === 0;
}
