-- What the admin API knew, when it answered a change the gateways must apply, about the replicas that
-- had applied it: "confirmed=<acknowledged>/<live>; ms=<wait>[; timeout]", as its Scopegate-Propagation
-- header said. Written just after the change's own commit (which holds the rest of the row); null for
-- changes the gateways do not apply, and for rows older than this column.
alter table audit_events add column propagation varchar(100);
