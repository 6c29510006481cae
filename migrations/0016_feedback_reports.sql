-- The manager's reports (projections/feedback/reports.py) read every item submitted in a
-- span: with the columns they count held in the index, a year of items is an index-only
-- range scan instead of a visit to each item's row.
CREATE INDEX IF NOT EXISTS feedback_items_reports_idx ON feedback_items (submitted_at)
    INCLUDE (first_response_at, priority, channel, kind, status, product_area);
