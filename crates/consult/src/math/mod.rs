//! The numerical pieces: PCA by Lanczos iteration on the sparse centred matrix, Pol.is's
//! sparsity-aware projection, k-means with Pol.is's "first k distinct points" start, silhouette.
//!
//! Everything runs on one thread in a fixed order, so identical input gives bit-identical output.
//! (About 850 lines, a quarter of them unit tests: the numerical pieces share private helpers.)

use crate::matrix::{MatrixVote, VoteMatrix};

/// Two principal components and the column centre (mean of the observed votes per statement).
#[derive(Clone, Debug)]
pub struct Pca {
    pub center: Vec<f64>,
    pub comps: Vec<Vec<f64>>,
}

/// Column means over observed votes. Moderated-out columns are zeroed, as Pol.is does.
pub fn column_means(m: &VoteMatrix) -> Vec<f64> {
    let mut sum = vec![0.0f64; m.n_cols()];
    let mut cnt = vec![0usize; m.n_cols()];
    for row in &m.rows {
        for &MatrixVote {
            column: j,
            value: v,
        } in row
        {
            sum[j as usize] += v as f64;
            cnt[j as usize] += 1;
        }
    }
    (0..m.n_cols())
        .map(|j| {
            if m.moderated_out[j] || cnt[j] == 0 {
                0.0
            } else {
                sum[j] / cnt[j] as f64
            }
        })
        .collect()
}

/// The centred matrix in compressed rows. After column-mean imputation and centring a missing
/// vote is 0, so the centred matrix is as sparse as the vote matrix; moderated-out columns are
/// all zero and are left out.
struct Centred {
    row_ptr: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f64>,
}

impl Centred {
    fn new(m: &VoteMatrix, center: &[f64]) -> Self {
        let mut row_ptr = Vec::with_capacity(m.n_rows() + 1);
        let mut cols = Vec::with_capacity(m.nnz());
        let mut vals = Vec::with_capacity(m.nnz());
        row_ptr.push(0);
        for row in &m.rows {
            for &MatrixVote {
                column: j,
                value: v,
            } in row
            {
                if !m.moderated_out[j as usize] {
                    cols.push(j);
                    vals.push(v as f64 - center[j as usize]);
                }
            }
            row_ptr.push(cols.len());
        }
        Centred {
            row_ptr,
            cols,
            vals,
        }
    }

    /// `out = Xᵀ X v`, accumulated row by row in a fixed order.
    fn xtx(&self, v: &[f64], out: &mut [f64]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        for w in self.row_ptr.windows(2) {
            let (cols, vals) = (&self.cols[w[0]..w[1]], &self.vals[w[0]..w[1]]);
            let mut d = 0.0;
            for (&j, &x) in cols.iter().zip(vals) {
                d += x * v[j as usize];
            }
            for (&j, &x) in cols.iter().zip(vals) {
                out[j as usize] += x * d;
            }
        }
    }
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Remove from `x` its components along each of `basis` (unit vectors).
fn deflate(x: &mut [f64], basis: &[Vec<f64>]) {
    for b in basis {
        let c = dot(x, b);
        x.iter_mut().zip(b).for_each(|(xi, bi)| *xi -= c * bi);
    }
}

/// Deterministic start vector: a fixed pseudo-random sequence (SplitMix64) in [0.5, 1.5).
pub fn start_vector(n: usize, salt: u64) -> Vec<f64> {
    (0..n as u64)
        .map(|i| {
            0.5 + (splitmix64(i ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 11) as f64
                / (1u64 << 53) as f64
        })
        .collect()
}

/// SplitMix64: a tiny, well-mixed, deterministic hash.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// PCA to `n_comps` components of the centred matrix (column means of the observed votes, as
/// Pol.is's `powerit-pca` on its mean-imputed matrix). Pol.is finds the components by power
/// iteration with deflation; run to convergence that gives the leading eigenvectors of `XᵀX`,
/// which are computed here by Lanczos (the same vectors to about 1e-9, in far fewer passes over
/// the votes). `iters` caps the Krylov dimension. `start` may carry the previous components (warm
/// start for incremental updates); otherwise the start is a fixed pseudo-random vector.
pub fn pca(m: &VoteMatrix, n_comps: usize, iters: usize, start: Option<&[Vec<f64>]>) -> Pca {
    let center = column_means(m);
    let x = Centred::new(m, &center);
    let n = m.n_cols();
    let nc = n_comps.min(n);
    let st: Vec<f64> = match start {
        Some(s) if !s.is_empty() && s.iter().all(|c| c.len() == n) => {
            let sum: Vec<f64> = (0..n).map(|i| s.iter().map(|c| c[i]).sum()).collect();
            if norm(&sum) > 0.0 {
                sum
            } else {
                start_vector(n, 0)
            }
        }
        _ => start_vector(n, 0),
    };
    let mut vs = lanczos(&x, n, nc, iters.max(nc + 1), &st);
    for v in &mut vs {
        // Canonical sign: the entry of largest magnitude is positive (first one on ties).
        let mut best = 0usize;
        for (i, x) in v.iter().enumerate() {
            if x.abs() > v[best].abs() {
                best = i;
            }
        }
        if v.get(best).is_some_and(|x| *x < 0.0) {
            v.iter_mut().for_each(|x| *x = -*x);
        }
    }
    while vs.len() < n_comps {
        vs.push(vec![0.0; n]);
    }
    Pca { center, comps: vs }
}

/// The `nc` leading eigenvectors of `XᵀX` by Lanczos with full reorthogonalisation, started
/// from `XᵀX start` (so every vector lies in the row space: moderated-out columns stay exactly
/// zero). Stops when the residual of each wanted Ritz pair is below `1e-10` of the largest
/// eigenvalue, when the Krylov space is exhausted, or at `max_dim` vectors. Deterministic.
fn lanczos(x: &Centred, n: usize, nc: usize, max_dim: usize, start: &[f64]) -> Vec<Vec<f64>> {
    let zeros = || vec![vec![0.0; n]; nc];
    let mut q0 = vec![0.0; n];
    x.xtx(start, &mut q0);
    let n0 = norm(&q0);
    if n0 == 0.0 || nc == 0 {
        return zeros();
    }
    q0.iter_mut().for_each(|v| *v /= n0);
    let mut qs: Vec<Vec<f64>> = vec![q0];
    let mut alpha: Vec<f64> = Vec::new();
    let mut beta: Vec<f64> = Vec::new();
    let mut w = vec![0.0; n];
    let cap = max_dim.max(nc + 1).min(n);
    loop {
        let j = qs.len() - 1;
        x.xtx(&qs[j], &mut w);
        let a = dot(&qs[j], &w);
        alpha.push(a);
        // Full reorthogonalisation, twice ("twice is enough").
        for _ in 0..2 {
            for q in &qs {
                let c = dot(q, &w);
                w.iter_mut().zip(q).for_each(|(wi, qi)| *wi -= c * qi);
            }
        }
        let b = norm(&w);
        let m = alpha.len();
        let exhausted = b <= 1e-12 * alpha[0].abs().max(1e-300) || m >= cap;
        // The small eigenproblem is cubic in m: solve it every step while m is small, then
        // every fifth step.
        if (m >= nc && (m < 20 || m.is_multiple_of(5))) || exhausted {
            let (theta, s) = tridiagonal_eigen(&alpha, &beta);
            let top = theta[0].abs().max(1e-300);
            let converged = (0..nc.min(m)).all(|i| (b * s[m - 1][i]).abs() <= 1e-10 * top);
            if converged || exhausted {
                let mut out: Vec<Vec<f64>> = (0..nc)
                    .map(|i| {
                        let mut y = vec![0.0; n];
                        if i < m && theta[i] > 1e-12 * top {
                            for (k, q) in qs.iter().enumerate() {
                                let c = s[k][i];
                                y.iter_mut().zip(q).for_each(|(yi, qi)| *yi += c * qi);
                            }
                        }
                        y
                    })
                    .collect();
                orthonormalise(&mut out);
                return out;
            }
        }
        beta.push(b);
        qs.push(w.iter().map(|v| v / b).collect());
    }
}

/// Eigenvalues (descending) and eigenvectors (columns of the returned matrix, `s[row][col]`) of
/// the symmetric tridiagonal matrix with diagonal `a` and off-diagonal `b`, by cyclic Jacobi.
fn tridiagonal_eigen(a: &[f64], b: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let m = a.len();
    let mut t = vec![vec![0.0; m]; m];
    for i in 0..m {
        t[i][i] = a[i];
        if i + 1 < m {
            t[i][i + 1] = b[i];
            t[i + 1][i] = b[i];
        }
    }
    let mut v: Vec<Vec<f64>> = (0..m)
        .map(|i| (0..m).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..m)
            .flat_map(|i| (0..m).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| t[i][j] * t[i][j])
            .sum();
        let diag: f64 = (0..m).map(|i| t[i][i] * t[i][i]).sum();
        if off <= 1e-30 * diag.max(1e-300) {
            break;
        }
        for p in 0..m {
            for q in p + 1..m {
                if t[p][q] == 0.0 {
                    continue;
                }
                let theta = (t[q][q] - t[p][p]) / (2.0 * t[p][q]);
                let tan = theta.signum().max(0.0) * 2.0 - 1.0;
                let tan = tan / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (tan * tan + 1.0).sqrt();
                let sn = tan * c;
                for row in t.iter_mut() {
                    let (tkp, tkq) = (row[p], row[q]);
                    row[p] = c * tkp - sn * tkq;
                    row[q] = sn * tkp + c * tkq;
                }
                let (head, tail) = t.split_at_mut(q);
                let (rp, rq) = (&mut head[p], &mut tail[0]);
                for (tpk, tqk) in rp.iter_mut().zip(rq.iter_mut()) {
                    let (a, b) = (*tpk, *tqk);
                    *tpk = c * a - sn * b;
                    *tqk = sn * a + c * b;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - sn * vq;
                    row[q] = sn * vp + c * vq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| t[j][j].total_cmp(&t[i][i]).then(i.cmp(&j)));
    let theta = order.iter().map(|&i| t[i][i]).collect();
    let s = v
        .iter()
        .map(|row| order.iter().map(|&i| row[i]).collect())
        .collect();
    (theta, s)
}

/// Gram–Schmidt in order; a vector that vanishes becomes all zeros.
fn orthonormalise(vs: &mut [Vec<f64>]) {
    for c in 0..vs.len() {
        let (done, rest) = vs.split_at_mut(c);
        let v = &mut rest[0];
        deflate(v, done);
        let nv = norm(v);
        if nv > 0.0 {
            v.iter_mut().for_each(|x| *x /= nv);
        } else {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
    }
}

/// Pol.is's sparsity-aware projection: the dot product over the statements a participant voted
/// on, scaled by `sqrt(n_statements / n_voted)` so that sparse voters are pushed out from the
/// centre. As in Pol.is, moderated-out columns are zero for everyone and count as voted.
pub fn project(m: &VoteMatrix, pca: &Pca) -> Vec<[f64; 2]> {
    let n_cols = m.n_cols();
    let n_mod = m.moderated_out.iter().filter(|x| **x).count();
    m.rows
        .iter()
        .map(|row| {
            let (mut p1, mut p2) = (0.0, 0.0);
            let mut n_votes = n_mod;
            for &MatrixVote {
                column: j,
                value: v,
            } in row
            {
                if m.moderated_out[j as usize] {
                    continue;
                }
                n_votes += 1;
                let x = v as f64 - pca.center[j as usize];
                p1 += x * pca.comps[0][j as usize];
                p2 += x * pca.comps[1][j as usize];
            }
            let scale = (n_cols as f64 / n_votes.max(1) as f64).sqrt();
            [p1 * scale, p2 * scale]
        })
        .collect()
}

/// A k-means cluster: its id (position in the initial centres), member indices, centre.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub id: usize,
    pub members: Vec<usize>,
    pub center: [f64; 2],
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Initial centres: the first `k` distinct points in order (Pol.is's `init-clusters`).
fn first_distinct(points: &[[f64; 2]], k: usize) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::new();
    for p in points {
        if out.len() == k {
            break;
        }
        if !out.iter().any(|q| q == p) {
            out.push(*p);
        }
    }
    out
}

/// Initial centres by Pol.is's `clean-start-clusters` growth from a single cluster: start from
/// the (weighted) mean and repeatedly open a cluster at the most distal point, recentring with
/// one assignment step after each split, until there are `k`.
pub fn most_distal_init(points: &[[f64; 2]], weights: Option<&[f64]>, k: usize) -> Vec<[f64; 2]> {
    if points.is_empty() || k == 0 {
        return Vec::new();
    }
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let sw: f64 = (0..points.len()).map(w).sum();
    let mean = [
        (0..points.len()).map(|i| w(i) * points[i][0]).sum::<f64>() / sw,
        (0..points.len()).map(|i| w(i) * points[i][1]).sum::<f64>() / sw,
    ];
    grow_most_distal(points, vec![mean], k, Some(&w))
}

/// Pol.is's "most distal" growth, the one routine behind both [`most_distal_init`] and
/// [`clean_start`]: while there are fewer than `k` centres, open one at the point farthest from
/// its nearest centre (the first such point on ties; stop when every point sits on a centre).
/// With `recentre` (the points' weights), each split is followed by one weighted assignment step
/// that moves every centre to the mean of the points nearest to it, as `clean-start-clusters`
/// does for a cold start.
fn grow_most_distal(
    points: &[[f64; 2]],
    mut centers: Vec<[f64; 2]>,
    k: usize,
    recentre: Option<&dyn Fn(usize) -> f64>,
) -> Vec<[f64; 2]> {
    while centers.len() < k {
        let mut farthest: Option<(f64, usize)> = None;
        for (i, p) in points.iter().enumerate() {
            let d = centers
                .iter()
                .map(|c| dist2(*p, *c))
                .fold(f64::INFINITY, f64::min);
            if d > farthest.map_or(0.0, |f| f.0) {
                farthest = Some((d, i));
            }
        }
        let Some((_, i)) = farthest else { break };
        centers.push(points[i]);
        if let Some(w) = recentre {
            centers = assignment_step(points, w, &centers);
        }
    }
    centers
}

/// One weighted k-means assignment step: each centre moves to the weighted mean of the points
/// nearest to it (first centre on ties); a centre no point is nearest to stays where it is.
fn assignment_step(
    points: &[[f64; 2]],
    w: &dyn Fn(usize) -> f64,
    centers: &[[f64; 2]],
) -> Vec<[f64; 2]> {
    let mut sums = vec![WeightedSum::default(); centers.len()];
    for (i, p) in points.iter().enumerate() {
        let mut nearest = 0;
        let mut bd = f64::INFINITY;
        for (c, cc) in centers.iter().enumerate() {
            let d = dist(*p, *cc);
            if d < bd {
                bd = d;
                nearest = c;
            }
        }
        sums[nearest].add(*p, w(i));
    }
    sums.iter()
        .zip(centers)
        .map(|(s, c)| s.mean().unwrap_or(*c))
        .collect()
}

/// Running weighted sum of points, for a mean.
#[derive(Clone, Copy, Debug, Default)]
struct WeightedSum {
    x: f64,
    y: f64,
    weight: f64,
}

impl WeightedSum {
    fn add(&mut self, p: [f64; 2], w: f64) {
        self.x += w * p[0];
        self.y += w * p[1];
        self.weight += w;
    }

    fn mean(&self) -> Option<[f64; 2]> {
        (self.weight > 0.0).then(|| [self.x / self.weight, self.y / self.weight])
    }
}

/// k-means++ initial centres (Arthur & Vassilvitskii), deterministic: the first centre and each
/// next one are drawn with probability proportional to weight × squared distance to the nearest
/// centre chosen so far, from a SplitMix64 sequence seeded by `seed`.
pub fn kmeans_pp_init(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    k: usize,
    seed: u64,
) -> Vec<[f64; 2]> {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let mut state = splitmix64(seed ^ 0x5EED_0FC0_FFEE);
    let mut uniform = || {
        state = splitmix64(state);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let pick = |mass: &[f64], u: f64| -> Option<usize> {
        let total: f64 = mass.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let mut target = u * total;
        for (i, m) in mass.iter().enumerate() {
            if target < *m {
                return Some(i);
            }
            target -= m;
        }
        mass.iter().rposition(|m| *m > 0.0)
    };
    let mut centers: Vec<[f64; 2]> = Vec::new();
    let mut nearest = vec![f64::INFINITY; points.len()];
    let first: Vec<f64> = (0..points.len()).map(w).collect();
    let Some(i) = pick(&first, uniform()) else {
        return centers;
    };
    centers.push(points[i]);
    while centers.len() < k {
        let c = *centers.last().expect("one centre");
        let mass: Vec<f64> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                nearest[i] = nearest[i].min(dist2(*p, c));
                w(i) * nearest[i]
            })
            .collect();
        let Some(i) = pick(&mass, uniform()) else {
            break;
        };
        centers.push(points[i]);
    }
    centers
}

fn same_clustering(a: &[[f64; 2]], b: &[[f64; 2]]) -> bool {
    let sort = |v: &[[f64; 2]]| {
        let mut v = v.to_vec();
        v.sort_by(|x, y| x[0].total_cmp(&y[0]).then(x[1].total_cmp(&y[1])));
        v
    };
    let (a, b) = (sort(a), sort(b));
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| dist(*x, *y) < 0.01)
}

/// Weighted k-means in the plane, started from the first `k` distinct points, stopping when the
/// centres move less than 0.01 or after `max_iters` steps. Empty clusters are dropped (as Pol.is).
/// Returns clusters sorted by id.
pub fn kmeans(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    k: usize,
    max_iters: usize,
    init: Option<Vec<[f64; 2]>>,
) -> Vec<Cluster> {
    let mut centers: Vec<(usize, [f64; 2])> = init
        .unwrap_or_else(|| first_distinct(points, k))
        .into_iter()
        .enumerate()
        .collect();
    if centers.is_empty() {
        return Vec::new();
    }
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let mut iter = max_iters;
    loop {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); centers.len()];
        let index = NearestIndex::new(&centers);
        for (i, p) in points.iter().enumerate() {
            members[index.nearest(*p)].push(i);
        }
        let mut next: Vec<(usize, [f64; 2])> = Vec::new();
        let mut next_members = Vec::new();
        for ((id, _), mem) in centers.iter().zip(members) {
            if mem.is_empty() {
                continue;
            }
            let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
            for &i in &mem {
                sx += w(i) * points[i][0];
                sy += w(i) * points[i][1];
                sw += w(i);
            }
            next.push((*id, [sx / sw, sy / sw]));
            next_members.push(mem);
        }
        let old: Vec<[f64; 2]> = centers.iter().map(|c| c.1).collect();
        let new: Vec<[f64; 2]> = next.iter().map(|c| c.1).collect();
        let done = iter == 0 || same_clustering(&old, &new);
        centers = next;
        if done {
            return centers
                .into_iter()
                .zip(next_members)
                .map(|((id, center), members)| Cluster {
                    id,
                    members,
                    center,
                })
                .collect();
        }
        iter -= 1;
    }
}

/// Pol.is's `clean-start-clusters` for a warm start: the previous clusters' centres (already
/// recentred on their members' current positions) are de-duplicated, then new clusters are opened
/// at the most distal point until there are `min(k, distinct points)`.
pub fn clean_start(points: &[[f64; 2]], prev: Vec<[f64; 2]>, k: usize) -> Vec<[f64; 2]> {
    let mut centers: Vec<[f64; 2]> = Vec::new();
    for c in prev {
        if !centers.contains(&c) {
            centers.push(c);
        }
    }
    centers.truncate(k);
    let mut distinct: Vec<[f64; 2]> = points.to_vec();
    distinct.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    distinct.dedup();
    grow_most_distal(points, centers, k.min(distinct.len()), None)
}

/// Exact nearest-centre search (lowest index on ties, as a plain scan would give), pruned by
/// scanning centres in order of x outward from the query.
struct NearestIndex {
    /// (x, y, original index), sorted by x then index.
    sorted: Vec<(f64, f64, usize)>,
}

impl NearestIndex {
    fn new(centers: &[(usize, [f64; 2])]) -> Self {
        let mut sorted: Vec<(f64, f64, usize)> = centers
            .iter()
            .enumerate()
            .map(|(c, (_, p))| (p[0], p[1], c))
            .collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        NearestIndex { sorted }
    }

    fn nearest(&self, p: [f64; 2]) -> usize {
        let s = &self.sorted;
        let mut best = (f64::INFINITY, usize::MAX);
        let consider = |best: &mut (f64, usize), e: &(f64, f64, usize)| {
            let d = dist2(p, [e.0, e.1]);
            if d < best.0 || (d == best.0 && e.2 < best.1) {
                *best = (d, e.2);
            }
        };
        let start = s.partition_point(|e| e.0 < p[0]);
        let (mut lo, mut hi) = (start, start);
        loop {
            let mut moved = false;
            if hi < s.len() {
                let dx = s[hi].0 - p[0];
                if dx * dx <= best.0 {
                    consider(&mut best, &s[hi]);
                    hi += 1;
                    moved = true;
                }
            }
            if lo > 0 {
                let dx = p[0] - s[lo - 1].0;
                if dx * dx <= best.0 {
                    consider(&mut best, &s[lo - 1]);
                    lo -= 1;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        best.1
    }
}

/// Weighted within-cluster sum of squares (k-means objective).
pub fn inertia(points: &[[f64; 2]], weights: Option<&[f64]>, clusters: &[Cluster]) -> f64 {
    clusters
        .iter()
        .flat_map(|c| c.members.iter().map(move |&i| (i, c.center)))
        .map(|(i, c)| weights.map_or(1.0, |w| w[i]) * dist(points[i], c).powi(2))
        .sum()
}

/// Silhouette coefficient of a clustering of `points` (Pol.is computes it on base-cluster
/// centres, unweighted). A member alone in its cluster scores 0.
pub fn silhouette(points: &[[f64; 2]], clusters: &[Cluster]) -> f64 {
    let mut label = vec![usize::MAX; points.len()];
    for (c, cl) in clusters.iter().enumerate() {
        for &m in &cl.members {
            label[m] = c;
        }
    }
    let mut total = 0.0;
    let mut n = 0usize;
    for (i, &li) in label.iter().enumerate() {
        if li == usize::MAX {
            continue;
        }
        n += 1;
        if clusters[li].members.len() <= 1 {
            continue;
        }
        let mut a = 0.0;
        let mut b = f64::INFINITY;
        for (c, cl) in clusters.iter().enumerate() {
            let (mut s, mut cnt) = (0.0, 0usize);
            for &m in &cl.members {
                if m != i {
                    s += dist(points[i], points[m]);
                    cnt += 1;
                }
            }
            let mean = if cnt == 0 { 0.0 } else { s / cnt as f64 };
            if c == li {
                a = mean;
            } else if mean < b {
                b = mean;
            }
        }
        if !b.is_finite() {
            continue;
        }
        let mx = a.max(b);
        if mx > 0.0 {
            total += (b - a) / mx;
        }
    }
    if n == 0 { 0.0 } else { total / n as f64 }
}

#[cfg(test)]
mod tests;
