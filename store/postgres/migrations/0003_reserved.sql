-- Placeholder: number 0003 is reserved for another branch's migration.
-- The migration runner requires contiguous numbers; at merge this file is
-- replaced by that branch's 0003 (the server-libraries change is 0004).
SELECT 1;
