-- Each paragraph's terms as the library's keyword index reads them
-- (encoded by the library, opaque here; empty until computed), so that
-- a start need not tokenise every paragraph again.
ALTER TABLE paragraphs ADD COLUMN terms TEXT NOT NULL DEFAULT '';
