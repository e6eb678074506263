use super::*;

/// The Lanczos components are the two leading eigenvectors of the centred XᵀX: checked
/// against plain power iteration with deflation (Pol.is's method) run to convergence on the
/// dense matrix of a small pseudo-random vote matrix with gaps and a moderated-out column.
#[test]
fn lanczos_pca_matches_converged_power_iteration() {
    let n_cols = 9usize;
    let rows: Vec<Vec<MatrixVote>> = (0..40u64)
        .map(|p| {
            (0..n_cols as u64)
                .filter(|t| !splitmix64(p * 31 + t).is_multiple_of(4))
                .map(|t| {
                    let lean = if p.is_multiple_of(3) { 1 } else { -1 };
                    let v = match splitmix64(p * 7 + t * 13) % 5 {
                        0 => 0,
                        1 => -lean,
                        _ => lean * if t < 4 { 1 } else { -1 },
                    };
                    MatrixVote {
                        column: t as u32,
                        value: v as i8,
                    }
                })
                .collect()
        })
        .collect();
    let mut moderated_out = vec![false; n_cols];
    moderated_out[5] = true;
    let m = VoteMatrix {
        participants: (0..40).collect(),
        comments: (0..n_cols as u64).collect(),
        moderated_out,
        rows,
    };
    let pca = pca(&m, 2, 100, None);
    // Dense centred XᵀX.
    let mut c = vec![vec![0.0; n_cols]; n_cols];
    for row in &m.rows {
        let x: Vec<(usize, f64)> = row
            .iter()
            .filter(|v| !m.moderated_out[v.column as usize])
            .map(|v| {
                let j = v.column as usize;
                (j, v.value as f64 - pca.center[j])
            })
            .collect();
        for &(i, a) in &x {
            for &(j, b) in &x {
                c[i][j] += a * b;
            }
        }
    }
    let matvec =
        |c: &Vec<Vec<f64>>, v: &[f64]| -> Vec<f64> { c.iter().map(|r| dot(r, v)).collect() };
    for (k, comp) in pca.comps.iter().enumerate() {
        let mut v = start_vector(n_cols, 99);
        let mut lambda = 0.0;
        for _ in 0..5000 {
            let w = matvec(&c, &v);
            lambda = norm(&w);
            v = w.iter().map(|x| x / lambda).collect();
        }
        assert!(
            dot(&v, comp).abs() > 1.0 - 1e-9,
            "component {k}: |cos| = {}",
            dot(&v, comp).abs()
        );
        assert_eq!(comp[5], 0.0, "moderated-out column has zero weight");
        // Deflate, as Pol.is's factor-matrix does, for the next component.
        for i in 0..n_cols {
            for j in 0..n_cols {
                c[i][j] -= lambda * v[i] * v[j];
            }
        }
    }
    assert!(dot(&pca.comps[0], &pca.comps[1]).abs() < 1e-12);
}

#[test]
fn kmeans_separates_two_blobs_deterministically() {
    let pts = vec![
        [0.0, 0.0],
        [0.1, 0.0],
        [5.0, 5.0],
        [5.1, 5.0],
        [0.0, 0.1],
        [5.0, 5.1],
    ];
    let a = kmeans(&pts, None, 2, 20, None);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].members, vec![0, 1, 4]);
    assert_eq!(a[1].members, vec![2, 3, 5]);
    assert!(silhouette(&pts, &a) > 0.9);
    assert_eq!(a, kmeans(&pts, None, 2, 20, None));
}

#[test]
fn pruned_nearest_matches_a_plain_scan() {
    let centers: Vec<(usize, [f64; 2])> = (0..40u64)
        .map(|i| {
            let h = splitmix64(i);
            // Coarse grid values so that ties occur.
            (i as usize, [(h % 7) as f64, ((h >> 8) % 5) as f64])
        })
        .collect();
    let index = NearestIndex::new(&centers);
    for q in 0..500u64 {
        let h = splitmix64(q + 1000);
        let p = [
            ((h % 80) as f64) / 10.0 - 0.5,
            (((h >> 16) % 60) as f64) / 10.0 - 0.5,
        ];
        let mut best = (f64::INFINITY, 0usize);
        for (c, (_, x)) in centers.iter().enumerate() {
            let d = dist2(p, *x);
            if d < best.0 {
                best = (d, c);
            }
        }
        assert_eq!(index.nearest(p), best.1, "query {p:?}");
    }
}

#[test]
fn weights_pull_the_centre() {
    let pts = vec![[0.0, 0.0], [1.0, 0.0]];
    let c = kmeans(&pts, Some(&[3.0, 1.0]), 1, 5, None);
    assert!((c[0].center[0] - 0.25).abs() < 1e-12);
}

#[test]
fn singleton_clusters_score_zero() {
    let pts = vec![[0.0, 0.0], [1.0, 0.0]];
    let c = kmeans(&pts, None, 2, 5, None);
    assert_eq!(silhouette(&pts, &c), 0.0);
}
