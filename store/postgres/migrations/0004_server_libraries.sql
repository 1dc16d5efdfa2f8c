-- Per-server libraries: the answers and votes the bot keeps name the
-- server (guild) they came from, so that /sources, citation buttons and
-- feedback of one server are never read in another. "" is a DM or the CLI.
-- Answers remembered before are marked '*' (store.GuildUnknown): given
-- in some server or a DM, they cite shared statements only and stay
-- readable wherever they were (every insert names its guild).
ALTER TABLE answers ADD COLUMN guild TEXT NOT NULL DEFAULT '*';
ALTER TABLE feedback ADD COLUMN guild TEXT NOT NULL DEFAULT '';
