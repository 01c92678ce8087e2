//! Lines and areas drawn from fewer points: a plotters backend that passes on
//! each path and polygon without the points that lie on the straight segment
//! between their neighbours. Charts are drawn at whole SVG pixels, so a flat or
//! evenly sloped stretch of a series gives many such points (a stacked area of
//! pool shares is mostly flat); dropping them draws the very same lines and
//! shapes. Measured on the default scenario's page (seed 42): the nine charts'
//! SVG 278 KB -> 155 KB, their points 26,620 -> 10,543 (pool shares 79 -> 28 KB,
//! operators 54 -> 26 KB, the hash rate 20.4 -> 19.2 KB).

use plotters::backend::DrawingBackend;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// `B` with every path and polygon drawn without its collinear points
/// ([`without_collinear`]), but for paths of one stroke width, if given: a
/// path whose points are read in pairs, not as a line (the retarget ticks,
/// `plot.rs`), is passed on whole.
pub struct FewerPoints<B> {
    backend: B,
    whole_width: Option<u32>,
}

impl<B> FewerPoints<B> {
    /// `backend`, every path and polygon drawn with fewer points.
    pub fn new(backend: B) -> Self {
        FewerPoints { backend, whole_width: None }
    }

    /// `backend`, every path but those `width` wide and every polygon drawn with fewer points.
    pub fn but_width(backend: B, width: u32) -> Self {
        FewerPoints { backend, whole_width: Some(width) }
    }
}

impl<B: DrawingBackend> DrawingBackend for FewerPoints<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.backend.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if self.whole_width == Some(style.stroke_width()) {
            return self.backend.draw_path(path, style);
        }
        self.backend.draw_path(without_collinear(path), style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.fill_polygon(without_collinear(vert), style)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.draw_text(text, style, pos)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.backend.estimate_text_size(text, style)
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.backend.blit_bitmap(pos, size, src)
    }
}

/// `points` in order without each point that lies on the straight segment
/// between the point kept before it and the one after it (a repeated point
/// included): the same line through fewer points. The first and last points
/// are kept; a point where the line turns back on itself is kept.
pub fn without_collinear(points: impl IntoIterator<Item = BackendCoord>) -> Vec<BackendCoord> {
    let points: Vec<BackendCoord> = points.into_iter().collect();
    kept_positions(&points).into_iter().map(|at| points[at]).collect()
}

/// The positions in `points` of the points [`without_collinear`] keeps.
fn kept_positions(points: &[BackendCoord]) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::with_capacity(points.len());
    for (at, &point) in points.iter().enumerate() {
        // One look back is enough: the point kept before the last one was not on the
        // segment around it, so it is not on a longer one along the same line either.
        if let [.., before, last] = kept[..] {
            if on_segment(points[before], points[last], point) {
                kept.pop();
            }
        }
        kept.push(at);
    }
    kept
}

/// Whether `point` lies on the segment from `a` to `b` (exactly: whole pixels).
fn on_segment(a: BackendCoord, point: BackendCoord, b: BackendCoord) -> bool {
    let (ax, ay, px, py, bx, by) = (i64::from(a.0), i64::from(a.1), i64::from(point.0), i64::from(point.1), i64::from(b.0), i64::from(b.1));
    let cross = (px - ax) * (by - ay) - (py - ay) * (bx - ax);
    cross == 0 && ax.min(bx) <= px && px <= ax.max(bx) && ay.min(by) <= py && py <= ay.max(by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_straight_run_keeps_its_ends_and_a_turn_keeps_its_corner() {
        let run: Vec<BackendCoord> = (0..10).map(|x| (x, 5)).collect();
        assert_eq!(without_collinear(run), vec![(0, 5), (9, 5)]);
        let steps = [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (3, 3), (4, 4), (4, 4), (5, 4)];
        assert_eq!(without_collinear(steps), vec![(0, 0), (2, 0), (2, 2), (4, 4), (5, 4)]);
    }

    #[test]
    fn a_path_of_the_width_kept_whole_keeps_every_point() {
        let mut svg = String::new();
        {
            let mut backend = FewerPoints::but_width(plotters::prelude::SVGBackend::with_string(&mut svg, (20, 20)), 7);
            let line = |width| plotters::style::ShapeStyle {
                color: plotters::style::Color::to_rgba(&plotters::style::BLACK),
                filled: false,
                stroke_width: width,
            };
            backend.draw_path([(0, 1), (1, 1), (2, 1)], &line(7)).expect("drawn");
            backend.draw_path([(0, 2), (1, 2), (2, 2)], &line(1)).expect("drawn");
            backend.present().expect("written");
        }
        assert!(svg.contains(r#"points="0,1 1,1 2,1 ""#), "{svg}");
        assert!(svg.contains(r#"points="0,2 2,2 ""#), "{svg}");
    }

    #[test]
    fn a_line_that_turns_back_keeps_the_point_where_it_turns() {
        assert_eq!(without_collinear([(0, 0), (5, 0), (2, 0)]), vec![(0, 0), (5, 0), (2, 0)]);
        assert_eq!(without_collinear([(3, 3)]), vec![(3, 3)]);
        assert_eq!(without_collinear([]), Vec::<BackendCoord>::new());
    }

    proptest! {
        /// The points kept are the first, the last and some between, in order, and each
        /// point dropped lies on the segment between the kept points around it: the same line.
        #[test]
        fn every_point_dropped_lies_on_the_line_kept(points in proptest::collection::vec((0i32..6, 0i32..6), 0..30)) {
            let kept = kept_positions(&points);
            prop_assert_eq!(kept.first().copied(), (!points.is_empty()).then_some(0));
            prop_assert_eq!(kept.last().copied(), points.len().checked_sub(1));
            for pair in kept.windows(2) {
                prop_assert!(pair[0] < pair[1]);
                let (a, b) = (points[pair[0]], points[pair[1]]);
                for point in &points[pair[0] + 1..pair[1]] {
                    prop_assert!(on_segment(a, *point, b), "{:?} is not between {:?} and {:?} in {:?}", point, a, b, points);
                }
            }
            prop_assert_eq!(without_collinear(points.iter().copied()), kept.iter().map(|&at| points[at]).collect::<Vec<_>>());
        }
    }
}
