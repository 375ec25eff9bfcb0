#!/usr/bin/python3
"""Derives every polynomial of simd/erf-inl.h and writes simd/erf_coefficients.hpp (do not edit that file by hand).

Run: /usr/bin/python3 simd/fit_erf.py > simd/erf_coefficients.hpp   (mpmath; about a minute on one core)

Method: near-minimax fits by Lawson's iteratively reweighted least squares on Chebyshev nodes, in 60-digit mpmath
arithmetic, of the smooth pieces erf and erfc split into (CORE-MATH does the same with Sollya; we have no Sollya here):
  E(s)  = erf(sqrt(s))/sqrt(s) - 1, s = x^2          erf(x) = x + x*E(x^2) for small |x| (one rounding: fma(x, E, x))
  S(x)  = log(erfc(x)) + x^2                         erf(x) = 1 - exp(S(x) - x^2)       (float erf, 1 <= |x| < 4)
  G(z)  = erfcx(z) = exp(z^2) erfc(z)                erfc(z) = exp(-z^2) * G(z)          (1 <= z < 4 / piecewise)
  H(u)  = z*erfcx(z), u = 1/z^2                      erfc(z) = exp(-z^2) * H(u) / z      (z >= 4, asymptotic side)
  P(r)  = (exp(r) - 1 - r)/r^2                        exp(r) = 1 + r + r^2 P(r)
Float coefficients are rounded one at a time, lowest order first, refitting the rest after each rounding (the rounding
of a float coefficient is as large as the approximation error we aim for). Each fit prints its achieved error (weighted
as stated) as a comment beside the table: those are the approximation errors the error budgets in erf-inl.h use.
"""
import sys

import mpmath as mp

mp.mp.dps = 60


def cheb_nodes(lo, hi, m):
    return [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (2 * k + 1) / (2 * m)) for k in range(m)] + [lo, hi]


def lsq(rows, rhs, wts):
    n = len(rows[0])
    a = mp.matrix(len(rows), n)
    b = mp.matrix(len(rows), 1)
    for i, (r, y, w) in enumerate(zip(rows, rhs, wts)):
        for j in range(n):
            a[i, j] = r[j] * w
        b[i] = y * w
    sol, _ = mp.qr_solve(a, b)
    return [sol[j] for j in range(n)]


def fit(f, lo, hi, degree, var=lambda x: x, weight=lambda x: 1, fixed=(), rounder=None, m=None, iters=12):
    """Fits f(x) ~ sum c_k var(x)^k, k = 0..degree, minimising max |weight(x) (p - f)|.
    fixed: leading coefficients already chosen. rounder: rounds each free coefficient in turn (refitting the rest)."""
    m = m or 4 * (degree + 1) + 20
    xs = cheb_nodes(mp.mpf(lo), mp.mpf(hi), m)
    ts = [var(x) for x in xs]
    fs = [f(x) for x in xs]
    ws = [mp.mpf(weight(x)) for x in xs]
    coeffs = list(fixed)
    while len(coeffs) <= degree:
        k0 = len(coeffs)
        rows = [[t ** k for k in range(k0, degree + 1)] for t in ts]
        rhs = [fv - sum(c * t ** k for k, c in enumerate(coeffs)) for fv, t in zip(fs, ts)]
        lw = [mp.mpf(1)] * len(xs)
        for _ in range(iters):  # Lawson: reweight by the error so the LSQ solution approaches minimax
            sol = lsq(rows, rhs, [w * l for w, l in zip(ws, lw)])
            errs = [abs(w * (sum(c * r for c, r in zip(sol, row)) - y)) for w, row, y in zip(ws, rows, rhs)]
            tot = sum(l * e for l, e in zip(lw, errs))
            lw = [l * e / tot for l, e in zip(lw, errs)]
        if rounder is None:
            coeffs += sol
        else:
            coeffs.append(rounder(sol[0]))
    # the achieved error on a dense grid
    grid = [mp.mpf(lo) + (mp.mpf(hi) - lo) * i / 3000 for i in range(3001)]
    err = max(abs(mp.mpf(weight(x)) * (sum(c * var(x) ** k for k, c in enumerate(coeffs)) - f(x))) for x in grid)
    return coeffs, err


def to_float(v):
    import struct
    return mp.mpf(struct.unpack('f', struct.pack('f', float(v)))[0])


def to_double(v):
    return mp.mpf(float(v))


def hexf(v):
    return float(v).hex()


def E(s):
    if s == 0:
        return 2 / mp.sqrt(mp.pi) - 1
    r = mp.sqrt(s)
    return mp.erf(r) / r - 1


def G(z):
    return mp.exp(z * z) * mp.erfc(z)


def H_of_u(u):
    if u == 0:
        return 1 / mp.sqrt(mp.pi)
    z = 1 / mp.sqrt(u)
    return z * G(z)


def P_exp(r):
    if abs(r) < mp.mpf(10) ** -20:
        return mp.mpf(1) / 2
    return (mp.exp(r) - 1 - r) / (r * r)


def main():
    out = []

    def emit(name, ctype, coeffs, err, what):
        out.append(f'// {what}\n// achieved max error {mp.nstr(err, 3)} (log2 {mp.nstr(mp.log(err, 2), 4)})')
        vals = ', '.join((hexf(c) + ('f' if ctype == 'float' else '')) for c in coeffs)
        out.append(f'inline constexpr {ctype} {name}[{len(coeffs)}] = {{{vals}}};\n')
        print(f'{name}: degree {len(coeffs) - 1}, error 2^{mp.nstr(mp.log(err, 2), 4)}', file=sys.stderr)


    LN2H = mp.log(2) / 2

    # ---- float erf (pure float): E on s in [0, 1], S on [1, 4] weighted by erfc (erf's absolute error is erfc * dS).
    c, e = fit(E, 0, 1, 6, rounder=to_float)
    emit('kErfSmallF', 'float', c, e, 'float erf, |x| < 1: E(s), s = x^2; absolute error in E (erf relative error ~ that)')
    c, e = fit(lambda x: mp.log(mp.erfc(x)) + x * x, 1, 4, 6, var=lambda x: x - mp.mpf(5) / 2,
               weight=lambda x: mp.erfc(x), rounder=to_float)
    emit('kErfTailF', 'float', c, e, 'float erf, 1 <= x < 4: S(x) in t = x - 2.5, error weighted by erfc(x) (= erf abs error)')
    c, e = fit(P_exp, -LN2H, LN2H, 4, rounder=to_float)
    emit('kExpF', 'float', c, e, 'float exp(r) = 1 + r + r^2 P(r), |r| <= ln2/2: absolute error in P')

    # ---- double core of the float erfc / GELU (relative error target ~2^-36 before the final rounding to float)
    c, e = fit(E, 0, 1, 7, rounder=to_double)
    emit('kCoreSmall', 'double', c, e, 'float-accuracy core, |z| < 1: E(s); absolute error in E')
    c, e = fit(G, 1, 4, 13, var=lambda z: z - mp.mpf(5) / 2, weight=lambda z: 1 / G(z), rounder=to_double)
    emit('kCoreMid', 'double', c, e, 'float-accuracy core, 1 <= z < 4: G(z) in t = z - 2.5, relative error')
    c, e = fit(H_of_u, 0, mp.mpf(1) / 16, 5, weight=lambda u: 1 / H_of_u(u), rounder=to_double)
    emit('kCoreTail', 'double', c, e, 'float-accuracy core, z >= 4: H(u), u = 1/z^2 in [0, 1/16], relative error')
    c, e = fit(P_exp, -LN2H, LN2H, 5, rounder=to_double)
    emit('kCoreExp', 'double', c, e, 'float-accuracy core exp: P(r), |r| <= ln2/2, absolute error in P')

    # ---- double erf / erfc (about 2^-58 relative before the final rounding; the leading coefficient as a hi + lo pair)
    c, e = fit(E, 0, mp.mpf(1) / 4, 10, rounder=to_double)
    emit('kErfSmallD', 'double', c, e, 'double, |x| < 0.5: E(s), s = x^2; absolute error in E')
    PIECES = 30  # z in [0.5, 8): piece i = floor(4 (z - 0.5)), t = z - (0.625 + 0.25 i) in [-1/8, 1/8]
    PIECE_DEGREE = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    table, worst = [], 0
    for i in range(PIECES):
        mid = mp.mpf(5) / 8 + mp.mpf(i) / 4
        c, e = fit(G, mid - mp.mpf(1) / 8, mid + mp.mpf(1) / 8, PIECE_DEGREE, var=lambda z: z - mid,
                   weight=lambda z: 1 / G(z), iters=6)
        hi = to_double(c[0])
        table.append([hi, to_double(c[0] - hi)] + [to_double(v) for v in c[1:]])
        worst = max(worst, e)
    flat = [v for row in table for v in row]
    emit('kErfcPiecesD', 'double', flat, worst, f'double, 0.5 <= z < 8: {PIECES} pieces of {PIECE_DEGREE + 2} values each '
         '(c0 hi, c0 lo, c1..cn) of G(z) in t = z - (0.625 + 0.25 i), relative error (worst piece)')
    c, e = fit(H_of_u, 0, mp.mpf(1) / 64, 9, weight=lambda u: 1 / H_of_u(u))
    hi = to_double(c[0])
    emit('kErfcAsymD', 'double', [hi, to_double(c[0] - hi)] + [to_double(v) for v in c[1:]], e,
         'double, z >= 8: H(u), u = 1/z^2 in [0, 1/64] (c0 hi, c0 lo, c1..cn), relative error')
    c, e = fit(P_exp, -LN2H, LN2H, 10)
    emit('kExpD', 'double', [to_double(v) for v in c], e, 'double exp: P(r), |r| <= ln2/2, absolute error in P')

    HEADER = """// Generated by simd/fit_erf.py (mpmath, Lawson near-minimax fits): do not edit; rerun
//   /usr/bin/python3 simd/fit_erf.py > simd/erf_coefficients.hpp
// Coefficients of simd/erf-inl.h, lowest order first, as exact hexadecimal literals. Each table's comment gives the
// function, interval, error measure and the achieved error on a 3001-point grid (the figure the error budgets use).
#pragma once

#include <cstddef>

namespace gate::simd {
"""
    print(HEADER)
    print(f'inline constexpr std::size_t kErfcPieces = {PIECES};\n')
    print('\n'.join(out))
    print('}  // namespace gate::simd')


if __name__ == '__main__':
    main()
