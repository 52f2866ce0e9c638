use super::*;

/// One simulated frame: paints like `scheduler::frame`, each job costing `cost(id)`.
fn frame(queue: &mut Queue, limit_ms: f64, cost: impl Fn(u64) -> f64) -> Vec<u64> {
    let mut budget = FrameBudget::new(limit_ms, AfterModel::default());
    let mut painted = Vec::new();
    while let Some(id) = queue.next_within(&budget) {
        budget.charge(cost(id));
        queue.record_cost(id, cost(id));
        painted.push(id);
    }
    painted
}

fn queue_of(ids: std::ops::RangeInclusive<u64>, guess_ms: f64) -> Queue {
    let mut queue = Queue::default();
    for id in ids {
        queue.add(id, guess_ms);
    }
    queue
}

#[test]
fn a_budget_spreads_paints_over_frames_oldest_first() {
    // (jobs, cost of each, budget) → paints per frame
    let cases: [(u64, f64, f64, &[usize]); 4] = [
        (12, 2.0, 6.0, &[3, 3, 3, 3]),
        (12, 2.0, f64::INFINITY, &[12]),
        (3, 10.0, 6.0, &[1, 1, 1]),
        (5, 1.5, 6.0, &[4, 1]),
    ];
    for (jobs, cost, limit, want) in cases {
        let mut queue = queue_of(1..=jobs, cost);
        for id in (1..=jobs).rev() {
            queue.mark_dirty(id);
        }
        let mut frames = Vec::new();
        let mut order = Vec::new();
        while queue.any_dirty() {
            let painted = frame(&mut queue, limit, |_| cost);
            frames.push(painted.len());
            order.extend(painted);
        }
        assert_eq!(frames, want, "{jobs} jobs of {cost} ms, budget {limit}");
        assert_eq!(order, (1..=jobs).rev().collect::<Vec<_>>(), "marked last-to-first, painted in that order");
    }
}

#[test]
fn a_job_marked_twice_keeps_its_place_and_paints_once() {
    let mut queue = queue_of(1..=3, 1.0);
    queue.mark_dirty(2);
    queue.mark_dirty(1);
    queue.mark_dirty(2);
    assert_eq!(frame(&mut queue, f64::INFINITY, |_| 1.0), vec![2, 1]);
    assert!(!queue.any_dirty());
}

#[test]
fn a_job_dirtied_every_frame_does_not_starve_the_others() {
    let mut queue = queue_of(1..=6, 2.0);
    for id in 1..=6 {
        queue.mark_dirty(id);
    }
    let mut last_paint = [None::<usize>; 7];
    for n in 0..12 {
        // Job 1 changes before every frame; it goes to the back of the line each time.
        queue.mark_dirty(1);
        for id in frame(&mut queue, 4.0, |_| 2.0) {
            last_paint[id as usize] = Some(n);
        }
        for id in 2..=6 {
            queue.mark_dirty(id);
        }
    }
    for (id, last) in last_paint.iter().enumerate().skip(1) {
        assert!(last.is_some_and(|n| n >= 8), "job {id} last painted in frame {last:?}");
    }
}

#[test]
fn removed_jobs_are_never_returned() {
    let mut queue = queue_of(1..=2, 1.0);
    queue.mark_dirty(1);
    queue.remove(1);
    queue.mark_dirty(1);
    assert!(!queue.any_dirty());
    assert_eq!(frame(&mut queue, 6.0, |_| 1.0), Vec::<u64>::new());
}

#[test]
fn an_estimate_starts_from_its_samples_then_moves_gradually() {
    let mut estimate = Estimate::guess(1.0);
    estimate.add(4.0);
    assert_eq!(estimate.value(), 4.0, "the first sample replaces the guess");
    estimate.add(2.0);
    assert_eq!(estimate.value(), 3.0, "then the mean");
    for _ in 0..40 {
        estimate.add(10.0);
    }
    assert!((estimate.value() - 10.0).abs() < 0.01);
}

#[test]
fn the_model_tells_the_fixed_cost_of_a_frame_from_the_cost_of_its_paints() {
    // Frames cost 3 ms plus 2 ms per ms of script.
    let mut model = AfterModel::default();
    for script in [1.0, 2.0, 4.0, 8.0, 0.5, 3.0].repeat(5) {
        model.add(script, 3.0 + 2.0 * script);
    }
    let (fixed, slope) = model.line();
    assert!((fixed - 3.0).abs() < 1e-6 && (slope - 2.0).abs() < 1e-6, "fixed {fixed}, slope {slope}");
    assert!((model.frame_ms(2.0) - 9.0).abs() < 1e-6, "3 + 2 × (1 + 2)");
}

#[test]
fn alike_frames_charge_everything_to_the_paints() {
    let mut model = AfterModel::default();
    for _ in 0..10 {
        model.add(2.0, 6.0);
    }
    assert_eq!(model.line(), (0.0, 3.0));
    assert_eq!(AfterModel::default().line(), (0.0, 0.0), "nothing learned: script time alone");
}

#[test]
fn fewer_paints_per_frame_do_not_make_each_look_dearer() {
    // The spiral the model prevents: with a fixed 5 ms per frame charged per paint,
    // frames that paint less would each look dearer and paint less still.
    let mut model = AfterModel::default();
    for painted in [8.0, 4.0, 2.0, 1.0, 6.0, 3.0].repeat(4) {
        model.add(painted * 0.5, 5.0 + painted * 0.5);
    }
    let mut budget = FrameBudget::new(12.0, model);
    let mut queue = queue_of(1..=12, 0.5);
    for id in 1..=12 {
        queue.mark_dirty(id);
    }
    while let Some(id) = queue.next_within(&budget) {
        budget.charge(0.5);
        queue.record_cost(id, 0.5);
    }
    // 5 + n × 0.5 × 2 ≤ 12 → 7 paints.
    assert_eq!(budget.painted(), 7);
}
