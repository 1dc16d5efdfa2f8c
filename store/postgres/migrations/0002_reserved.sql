-- Placeholder on branch h12 only: number 0002 is reserved for another
-- change, and the migration runner needs contiguous numbers. Replace this
-- file with the real 0002 when merging (it changes nothing).
SELECT 1;
