-- wardflow on PostgreSQL, schema step 2 (issue 25): the index of the ids other systems gave
-- cases. Two opens with one external id from one source for one workflow give one case: the
-- open looks here first and inserts beside the case in its own transaction; of two servers
-- racing, the UNIQUE constraint fails the loser, whose transaction runs again and finds the
-- winner's case. The truth is each case's opening event (`external`): the index is built
-- from the stored cases.

CREATE TABLE external_ids (
    workflow text COLLATE "C" NOT NULL,
    source text COLLATE "C" NOT NULL,
    external_id text COLLATE "C" NOT NULL,
    case_id text COLLATE "C" NOT NULL REFERENCES cases (id),
    CONSTRAINT external_ids_unique UNIQUE (workflow, source, external_id)
);

INSERT INTO external_ids (workflow, source, external_id, case_id)
SELECT body ->> 'workflow', body -> 'external' ->> 'source', body -> 'external' ->> 'id', id
FROM (SELECT id, convert_from(record, 'UTF8')::jsonb -> 'body' AS body FROM cases) AS c
WHERE body -> 'external' IS NOT NULL
ON CONFLICT ON CONSTRAINT external_ids_unique DO NOTHING;
