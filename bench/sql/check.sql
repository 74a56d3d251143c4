-- pgbench script: the SQL alternative's access check, one prepared query per transaction.
-- Variables (-D): U users, P pools, A active grants, NOW (epoch ms). Half the queries ask about the
-- (user, pool) of a random active grant, half about a random pair, with the same maps as
-- bench/suite/dataset.py (grant i -> user (i*7919+13) % U, pool (i*104729+7) % P).
\set hit random(0, 1)
\set i random(0, :A - 1)
\set ru random(0, :U - 1)
\set rp random(0, :P - 1)
\set u :hit * ((:i * 7919 + 13) % :U) + (1 - :hit) * :ru
\set p :hit * ((:i * 104729 + 7) % :P) + (1 - :hit) * :rp
SELECT max(role) AS role, min(expires_at) AS valid_until
  FROM grants WHERE user_id = :u AND pool_id = :p AND expires_at > :NOW;
