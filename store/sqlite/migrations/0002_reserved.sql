-- Placeholder: number 0002 is reserved for another branch's migration.
-- The migration runner requires contiguous numbers; at merge this file is
-- replaced by that branch's 0002 (the server-libraries change is 0004).
SELECT 1;
