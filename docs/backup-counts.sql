-- Counts that a restore must find again (docs/operations.md, "Check a restore"):
-- psql "$DATABASE_URL" -At -F ' ' -f docs/backup-counts.sql
SELECT 'providers', count(*) FROM providers_serviceprovider
UNION ALL SELECT 'clients', count(*) FROM clients_cliententity
UNION ALL SELECT 'services', count(*) FROM catalogue_service
UNION ALL SELECT 'slas', count(*) FROM sla_sla
UNION ALL SELECT 'sla_lines', count(*) FROM sla_slaline
UNION ALL SELECT 'sla_targets', count(*) FROM sla_serviceleveltarget
UNION ALL SELECT 'service_records', count(*) FROM records_servicerecord
UNION ALL SELECT 'record_imports', count(*) FROM records_recordimport
UNION ALL SELECT 'compliance_results', count(*) FROM compliance_complianceresult
UNION ALL SELECT 'statements', count(*) FROM cost_recovery_statement
UNION ALL SELECT 'statement_lines', count(*) FROM cost_recovery_statementline
UNION ALL SELECT 'users', count(*) FROM auth_user
UNION ALL SELECT 'latest_record_change', coalesce(max(updated_at)::text, '-') FROM records_servicerecord;
