-- Counts that a restore must find again (docs/operations.md, "Check a restore"):
-- psql "$DATABASE_URL" -At -F ' ' -f docs/backup-counts.sql
SELECT 'providers', count(*)::text FROM providers_serviceprovider
UNION ALL SELECT 'clients', count(*)::text FROM clients_cliententity
UNION ALL SELECT 'services', count(*)::text FROM catalogue_service
UNION ALL SELECT 'slas', count(*)::text FROM sla_sla
UNION ALL SELECT 'sla_lines', count(*)::text FROM sla_slaline
UNION ALL SELECT 'sla_targets', count(*)::text FROM sla_serviceleveltarget
UNION ALL SELECT 'service_records', count(*)::text FROM records_servicerecord
UNION ALL SELECT 'record_imports', count(*)::text FROM records_recordimport
UNION ALL SELECT 'compliance_results', count(*)::text FROM compliance_complianceresult
UNION ALL SELECT 'statements', count(*)::text FROM cost_recovery_statement
UNION ALL SELECT 'statement_lines', count(*)::text FROM cost_recovery_statementline
UNION ALL SELECT 'users', count(*)::text FROM auth_user
UNION ALL SELECT 'latest_record_change', coalesce((max(updated_at) AT TIME ZONE 'UTC')::text, '-') FROM records_servicerecord
ORDER BY 1;
