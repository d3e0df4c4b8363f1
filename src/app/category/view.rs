//! The combined list's model: its sections (one per member kind, with the kind's rows and a
//! table view for filter and order), the cursor over the rows of every section, and how the
//! list lays out in lines (header, column titles, rows), so the reducer pages and scrolls by
//! exactly what the renderer draws.

use std::sync::Arc;

use crate::model::api::ApiResource;
use crate::model::{ObjKey, ResourceKind, Row};

use super::super::state::AppState;
use super::super::table::TableView;

/// One member kind of the category.
#[derive(Debug, Clone)]
pub struct Section {
    pub resource: ApiResource,
    /// kmedic's own view of the kind, whose watch cache feeds the section.
    pub known: Option<ResourceKind>,
    /// Id of the browse watch feeding the section (0 for a known kind).
    pub request: u64,
    /// The browse watch's rows (empty for a known kind: those are `AppState::kinds`').
    pub rows: Vec<Arc<Row>>,
    pub synced: bool,
    /// Why the kind cannot be listed (a 403, a kind gone), from its watch.
    pub error: Option<String>,
    /// Filter, order and visible rows of the section.
    pub table: TableView,
}

impl Section {
    /// kubectl's name of the kind before `/NAME`: `pod`, `deployment.apps`.
    pub fn prefix(&self) -> String {
        let kind = self.resource.kind.to_ascii_lowercase();
        if self.resource.group.is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.resource.group)
        }
    }

    /// The kind whose cells (and joins) the rows hold.
    pub fn cell_kind(&self) -> ResourceKind {
        self.known.unwrap_or(ResourceKind::Browse)
    }

    /// The section's rows: the watch cache of a known kind, else its own.
    pub fn rows<'a>(&'a self, state: &'a AppState) -> &'a [Arc<Row>] {
        match self.known {
            Some(kind) => state.rows(kind),
            None => &self.rows,
        }
    }

    /// Whether the kind has listed, and why it cannot be, if so.
    pub fn status(&self, state: &AppState) -> (bool, Option<String>) {
        match self.known {
            Some(kind) => state
                .kinds
                .get(&kind)
                .map_or((false, None), |d| (d.synced, d.refused.clone())),
            None => (self.synced, self.error.clone()),
        }
    }

    /// The `kind:` name the engine's relations know the rows by, or `Object`.
    pub fn relation_kind_name(&self) -> String {
        match self.known {
            Some(kind) => kind.kind_name().to_string(),
            None => crate::objects::Kind::by_name(&self.resource.kind)
                .filter(|k| k.info().group == self.resource.group)
                .map_or("Object", |k| k.name())
                .to_string(),
        }
    }
}

/// The combined list.
#[derive(Debug, Clone)]
pub struct CategoryView {
    /// The category's name (`all`).
    pub category: String,
    pub sections: Vec<Section>,
    pub filter_text: String,
    pub filter_error: Option<String>,
    pub faults_only: bool,
    /// The selected row, counted over the shown rows of every section in order.
    pub selected: usize,
    /// The selected object (section, key), so the cursor stays on it as rows change.
    pub selected_key: Option<(usize, ObjKey)>,
    /// First line on screen.
    pub offset: usize,
    /// Whether the user moved the cursor: until then it stays on the first row while the
    /// kinds list (rather than following whichever row arrived first).
    pub moved: bool,
}

/// One line of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A section's header: its kind, count or why it has no rows.
    Header(usize),
    /// A section's column titles.
    Titles(usize),
    /// A section's `n`th shown row.
    Row(usize, usize),
}

impl CategoryView {
    /// Lines a section takes: its header, and its titles and rows when it shows any.
    fn section_lines(section: &Section) -> usize {
        match section.table.visible.len() {
            0 => 1,
            n => n + 2,
        }
    }

    /// Lines of the whole list.
    pub fn line_count(&self) -> usize {
        self.sections.iter().map(Self::section_lines).sum()
    }

    /// Rows shown, over every section.
    pub fn row_count(&self) -> usize {
        self.sections.iter().map(|s| s.table.visible.len()).sum()
    }

    /// The section and position of the `index`th shown row.
    pub fn locate(&self, index: usize) -> Option<(usize, usize)> {
        let mut rest = index;
        for (i, s) in self.sections.iter().enumerate() {
            let n = s.table.visible.len();
            if rest < n {
                return Some((i, rest));
            }
            rest -= n;
        }
        None
    }

    /// The line of the `index`th shown row.
    pub fn line_of(&self, index: usize) -> usize {
        let mut line = 0;
        let mut rest = index;
        for s in &self.sections {
            let n = s.table.visible.len();
            if rest < n {
                return line + 2 + rest;
            }
            rest -= n;
            line += Self::section_lines(s);
        }
        line
    }

    /// The lines from `offset`, at most `height` of them.
    pub fn lines(&self, offset: usize, height: usize) -> Vec<Line> {
        let mut out = Vec::with_capacity(height);
        let mut start = 0;
        for (i, s) in self.sections.iter().enumerate() {
            let n = Self::section_lines(s);
            if start + n <= offset {
                start += n;
                continue;
            }
            for line in start.max(offset)..start + n {
                if out.len() == height {
                    return out;
                }
                out.push(match line - start {
                    0 => Line::Header(i),
                    1 => Line::Titles(i),
                    k => Line::Row(i, k - 2),
                });
            }
            start += n;
        }
        out
    }

    /// Moves the cursor by `delta` rows (the caller remembers its object and scrolls).
    pub fn move_by(&mut self, delta: isize) {
        self.moved = true;
        let total = self.row_count();
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, total.saturating_sub(1) as isize) as usize;
    }

    /// Keeps the selected row (and, at the top, its section's header) on screen.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        let line = self.line_of(self.selected);
        if self.row_count() == 0 {
            self.offset = 0;
            return;
        }
        // The first row of a section brings its header and titles along (when they fit).
        let top = match self.locate(self.selected) {
            Some((_, 0)) if height >= 3 => line.saturating_sub(2),
            _ => line,
        };
        if top < self.offset {
            self.offset = top;
        } else if line >= self.offset + height {
            self.offset = line + 1 - height;
        }
        let last = self.line_count().saturating_sub(height);
        self.offset = self.offset.min(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(kind: &str, shown: usize) -> Section {
        let mut table = TableView::new(ResourceKind::Browse);
        table.visible = (0..shown).collect();
        Section {
            resource: ApiResource {
                group: "apps".into(),
                kind: kind.into(),
                ..Default::default()
            },
            known: None,
            request: 1,
            rows: Vec::new(),
            synced: true,
            error: None,
            table,
        }
    }

    fn view(counts: &[usize]) -> CategoryView {
        CategoryView {
            category: "all".into(),
            sections: counts.iter().map(|&n| section("StatefulSet", n)).collect(),
            filter_text: String::new(),
            filter_error: None,
            faults_only: false,
            selected: 0,
            selected_key: None,
            offset: 0,
            moved: false,
        }
    }

    #[test]
    fn sections_lay_out_as_header_titles_rows_and_empty_ones_as_one_line() {
        let v = view(&[2, 0, 3]);
        assert_eq!(v.line_count(), 4 + 1 + 5);
        assert_eq!(v.row_count(), 5);
        assert_eq!(
            v.lines(0, 100),
            vec![
                Line::Header(0),
                Line::Titles(0),
                Line::Row(0, 0),
                Line::Row(0, 1),
                Line::Header(1),
                Line::Header(2),
                Line::Titles(2),
                Line::Row(2, 0),
                Line::Row(2, 1),
                Line::Row(2, 2),
            ]
        );
        assert_eq!(
            v.lines(3, 3),
            vec![Line::Row(0, 1), Line::Header(1), Line::Header(2)]
        );
        assert_eq!(v.locate(2), Some((2, 0)));
        assert_eq!(v.locate(5), None);
        assert_eq!(v.line_of(0), 2);
        assert_eq!(v.line_of(2), 7);
        assert_eq!(section("StatefulSet", 0).prefix(), "statefulset.apps");
    }

    #[test]
    fn the_cursor_stays_on_screen_with_its_sections_header() {
        let mut v = view(&[2, 0, 3]);
        v.move_by(isize::MAX / 2);
        assert_eq!(v.selected, 4);
        v.scroll_into_view(3);
        // Row 4 is line 9: the last three lines are shown.
        assert_eq!(v.offset, 7);
        v.move_by(-2);
        v.scroll_into_view(3);
        // The first row of a section scrolls its header and titles into view too.
        assert_eq!(v.lines(v.offset, 3)[0], Line::Header(2));
        v.move_by(-10);
        v.scroll_into_view(3);
        assert_eq!((v.selected, v.offset), (0, 0));
        assert!(v.moved);
    }
}
