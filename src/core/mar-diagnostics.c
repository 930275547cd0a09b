/* mar-diagnostics.c — what hospital IT checks on a terminal
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-diagnostics"

#include "config.h"

#include "mar-diagnostics.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mar-store-private.h"

G_DEFINE_QUARK (mar-diagnostics-error-quark, mar_diagnostics_error)

/* ------------------------------------------------------------------------ */
/* Test connection                                                          */

gboolean
mar_connection_outcome_tls_ok (MarConnectionOutcome outcome)
{
  switch (outcome)
    {
    case MAR_CONNECTION_OK:
    case MAR_CONNECTION_AUTH:
    case MAR_CONNECTION_HTTP_ERROR:
    case MAR_CONNECTION_NOT_FHIR:
      return TRUE;
    case MAR_CONNECTION_CONFIG:
    case MAR_CONNECTION_CERT_EXPIRED:
    case MAR_CONNECTION_WRONG_HOST:
    case MAR_CONNECTION_UNKNOWN_CA:
    case MAR_CONNECTION_PIN_MISMATCH:
    case MAR_CONNECTION_CLIENT_CERT:
    case MAR_CONNECTION_REFUSED:
    case MAR_CONNECTION_TIMEOUT:
    case MAR_CONNECTION_LOST:
    case MAR_CONNECTION_CANCELLED:
    default:
      return FALSE;
    }
}

const char *
mar_connection_outcome_to_title (MarConnectionOutcome outcome)
{
  switch (outcome)
    {
    case MAR_CONNECTION_OK:
      return _("Connected");
    case MAR_CONNECTION_CONFIG:
      return _("Settings cannot work");
    case MAR_CONNECTION_CERT_EXPIRED:
      return _("Certificate expired");
    case MAR_CONNECTION_WRONG_HOST:
      return _("Wrong host name");
    case MAR_CONNECTION_UNKNOWN_CA:
      return _("Unknown certificate authority");
    case MAR_CONNECTION_PIN_MISMATCH:
      return _("Pin mismatch");
    case MAR_CONNECTION_CLIENT_CERT:
      return _("Client certificate refused");
    case MAR_CONNECTION_REFUSED:
      return _("Connection refused");
    case MAR_CONNECTION_TIMEOUT:
      return _("Timed out");
    case MAR_CONNECTION_LOST:
      return _("Connection broken");
    case MAR_CONNECTION_AUTH:
      return _("Credentials refused");
    case MAR_CONNECTION_HTTP_ERROR:
      return _("Server error");
    case MAR_CONNECTION_NOT_FHIR:
      return _("Not a FHIR server");
    case MAR_CONNECTION_CANCELLED:
      return _("Cancelled");
    default:
      return _("Unknown outcome");
    }
}

void
mar_connection_test_free (MarConnectionTest *test)
{
  if (test == NULL)
    return;
  g_free (test->message);
  g_free (test->detail);
  g_free (test->fhir_version);
  g_free (test->software_name);
  g_free (test->software_version);
  g_clear_pointer (&test->missing, g_ptr_array_unref);
  g_free (test);
}

gboolean
mar_connection_test_is_ok (const MarConnectionTest *test)
{
  g_return_val_if_fail (test != NULL, FALSE);
  return test->outcome == MAR_CONNECTION_OK && test->missing->len == 0;
}

/* What FHIR-PROFILE.md needs of the server, by resource type: the pull
 * searches the eleven types it reads and reads their _history for
 * deletions (docs/sync.md, "What the server must honour"); the push creates
 * with If-None-Exist and updates with If-Match, and the audit anchor is a
 * PUT that creates the AuditEvent under our id. */
typedef enum
{
  NEED_SEARCH       = 1 << 0,
  NEED_HISTORY      = 1 << 1,
  NEED_CREATE       = 1 << 2,   /* conditional create included */
  NEED_UPDATE       = 1 << 3,
  NEED_UPDATE_CREATE = 1 << 4,
} Need;

static const struct
{
  const char *type;
  Need        needs;
} needed_resources[] = {
  { "Patient", NEED_SEARCH | NEED_HISTORY },
  { "Encounter", NEED_SEARCH | NEED_HISTORY },
  { "Location", NEED_SEARCH | NEED_HISTORY },
  { "Observation", NEED_SEARCH | NEED_HISTORY | NEED_CREATE },
  { "Medication", NEED_SEARCH | NEED_HISTORY },
  { "MedicationRequest", NEED_SEARCH | NEED_HISTORY },
  { "MedicationDispense", NEED_SEARCH | NEED_HISTORY },
  { "MedicationAdministration", NEED_SEARCH | NEED_HISTORY | NEED_CREATE | NEED_UPDATE },
  { "AllergyIntolerance", NEED_SEARCH | NEED_HISTORY },
  { "Practitioner", NEED_SEARCH | NEED_HISTORY },
  { "PractitionerRole", NEED_SEARCH | NEED_HISTORY },
  { "AdverseEvent", NEED_CREATE },
  { "AuditEvent", NEED_UPDATE | NEED_UPDATE_CREATE },
};

static gboolean
has_interaction (JsonObject *resource,
                 const char *code)
{
  JsonArray *interactions;

  if (!json_object_has_member (resource, "interaction") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (resource, "interaction")))
    return FALSE;
  interactions = json_object_get_array_member (resource, "interaction");
  for (guint i = 0; i < json_array_get_length (interactions); i++)
    {
      JsonNode *node = json_array_get_element (interactions, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                 "code", NULL), code) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_true (JsonObject *resource,
          const char *member)
{
  JsonNode *node = json_object_get_member (resource, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* The rest entry for mode "server" (the first when none says so). */
static JsonObject *
find_server_rest (JsonObject *statement)
{
  JsonArray *rest;
  JsonObject *first = NULL;

  if (!json_object_has_member (statement, "rest") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (statement, "rest")))
    return NULL;
  rest = json_object_get_array_member (statement, "rest");
  for (guint i = 0; i < json_array_get_length (rest); i++)
    {
      JsonNode *node = json_array_get_element (rest, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "mode", NULL),
                     "server") == 0)
        return object;
      if (first == NULL)
        first = object;
    }
  return first;
}

static JsonObject *
find_resource (JsonObject *rest,
               const char *type)
{
  JsonArray *resources;

  if (rest == NULL || !json_object_has_member (rest, "resource") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (rest, "resource")))
    return NULL;
  resources = json_object_get_array_member (rest, "resource");
  for (guint i = 0; i < json_array_get_length (resources); i++)
    {
      JsonNode *node = json_array_get_element (resources, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                 "type", NULL), type) == 0)
        return json_node_get_object (node);
    }
  return NULL;
}

GPtrArray *
mar_diagnostics_capability_missing (JsonNode *capability_statement)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);
  JsonObject *rest = NULL;

  if (capability_statement != NULL && JSON_NODE_HOLDS_OBJECT (capability_statement))
    rest = find_server_rest (json_node_get_object (capability_statement));

  for (guint i = 0; i < G_N_ELEMENTS (needed_resources); i++)
    {
      const char *type = needed_resources[i].type;
      Need needs = needed_resources[i].needs;
      JsonObject *resource = find_resource (rest, type);

      if (resource == NULL)
        {
          g_ptr_array_add (missing, g_strdup_printf (_("%s: not supported"), type));
          continue;
        }
      if ((needs & NEED_SEARCH) && !has_interaction (resource, "search-type"))
        g_ptr_array_add (missing, g_strdup_printf ("%s: search-type", type));
      if ((needs & NEED_HISTORY) && !has_interaction (resource, "history-type"))
        g_ptr_array_add (missing, g_strdup_printf ("%s: history-type", type));
      if ((needs & NEED_CREATE) && !has_interaction (resource, "create"))
        g_ptr_array_add (missing, g_strdup_printf ("%s: create", type));
      if ((needs & NEED_CREATE) && !has_true (resource, "conditionalCreate"))
        g_ptr_array_add (missing, g_strdup_printf ("%s: conditionalCreate (If-None-Exist)", type));
      if ((needs & NEED_UPDATE) && !has_interaction (resource, "update"))
        g_ptr_array_add (missing, g_strdup_printf ("%s: update", type));
      if ((needs & NEED_UPDATE_CREATE) && !has_true (resource, "updateCreate"))
        g_ptr_array_add (missing, g_strdup_printf ("%s: updateCreate", type));
    }
  return missing;
}

static MarConnectionOutcome
outcome_for_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return MAR_CONNECTION_CANCELLED;
  if (error->domain != MAR_HTTP_ERROR)
    return MAR_CONNECTION_LOST;

  switch ((MarHttpError) error->code)
    {
    case MAR_HTTP_ERROR_CONFIG:
      return MAR_CONNECTION_CONFIG;
    case MAR_HTTP_ERROR_TLS_UNTRUSTED:
      return MAR_CONNECTION_UNKNOWN_CA;
    case MAR_HTTP_ERROR_TLS_EXPIRED:
      return MAR_CONNECTION_CERT_EXPIRED;
    case MAR_HTTP_ERROR_TLS_HOSTNAME:
      return MAR_CONNECTION_WRONG_HOST;
    case MAR_HTTP_ERROR_TLS_PIN_MISMATCH:
      return MAR_CONNECTION_PIN_MISMATCH;
    case MAR_HTTP_ERROR_TLS_CLIENT_CERT:
      return MAR_CONNECTION_CLIENT_CERT;
    case MAR_HTTP_ERROR_TIMEOUT:
      return MAR_CONNECTION_TIMEOUT;
    case MAR_HTTP_ERROR_CONNECT:
      return MAR_CONNECTION_REFUSED;
    case MAR_HTTP_ERROR_AUTH:
      return MAR_CONNECTION_AUTH;
    case MAR_HTTP_ERROR_BAD_RESPONSE:
    case MAR_HTTP_ERROR_TOO_LARGE:
    case MAR_HTTP_ERROR_NOT_FOUND:
      return MAR_CONNECTION_NOT_FHIR;
    case MAR_HTTP_ERROR_SERVER:
    case MAR_HTTP_ERROR_RATE_LIMITED:
    case MAR_HTTP_ERROR_CONFLICT:
    case MAR_HTTP_ERROR_CLIENT:
      return MAR_CONNECTION_HTTP_ERROR;
    case MAR_HTTP_ERROR_CONNECTION_LOST:
    case MAR_HTTP_ERROR_PROTOCOL:
    default:
      return MAR_CONNECTION_LOST;
    }
}

/* What IT does about it: the words the IT screen and marctl diagnose show. */
static char *
message_for_outcome (MarConnectionOutcome  outcome,
                     const char           *detail,
                     guint                 status)
{
  switch (outcome)
    {
    case MAR_CONNECTION_OK:
      return g_strdup (_("Connected: the server's certificate is trusted and it answered as a "
                         "FHIR server."));
    case MAR_CONNECTION_CONFIG:
      return g_strdup_printf (_("The connection settings cannot work: %s"), detail);
    case MAR_CONNECTION_CERT_EXPIRED:
      return g_strdup (_("The server's certificate has expired (or is not valid yet: check this "
                         "terminal's clock). The server's administrator must renew it."));
    case MAR_CONNECTION_WRONG_HOST:
      return g_strdup (_("The server's certificate was issued for another host name than the "
                         "one in the server URL. Check the URL, or ask for a certificate with "
                         "this name."));
    case MAR_CONNECTION_UNKNOWN_CA:
      return g_strdup (_("The server's certificate is not issued by an authority this terminal "
                         "trusts. Set the CA file to the hospital's certificate authority."));
    case MAR_CONNECTION_PIN_MISMATCH:
      return g_strdup (_("The server's public key does not match the pin: its certificate was "
                         "replaced, or this is not the hospital's server. Check the pin with "
                         "the server's administrator."));
    case MAR_CONNECTION_CLIENT_CERT:
      return g_strdup (_("This terminal's client certificate is missing, unusable or refused by "
                         "the server."));
    case MAR_CONNECTION_REFUSED:
      return g_strdup (_("The server cannot be reached: the connection was refused, or the host "
                         "is unknown or unreachable. Check the URL, the network and that the "
                         "server runs."));
    case MAR_CONNECTION_TIMEOUT:
      return g_strdup (_("The server did not answer in time."));
    case MAR_CONNECTION_LOST:
      return g_strdup (_("The connection broke before the server answered (a failed TLS "
                         "handshake or network trouble)."));
    case MAR_CONNECTION_AUTH:
      return g_strdup (_("The server refused this terminal's credentials (its token or client "
                         "secret)."));
    case MAR_CONNECTION_HTTP_ERROR:
      return g_strdup_printf (_("The server answered with HTTP status %u: %s"), status,
                              detail != NULL ? detail : "");
    case MAR_CONNECTION_NOT_FHIR:
      return g_strdup (_("The answer is not a FHIR CapabilityStatement: check that the server "
                         "URL is the FHIR base (the part before /metadata)."));
    case MAR_CONNECTION_CANCELLED:
      return g_strdup (_("The test was cancelled."));
    default:
      return g_strdup (detail);
    }
}

static void
read_capability (MarConnectionTest *test,
                 JsonNode          *json)
{
  JsonObject *statement;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    return;
  statement = json_node_get_object (json);
  if (g_strcmp0 (json_object_get_string_member_with_default (statement, "resourceType", NULL),
                 "CapabilityStatement") != 0)
    return;

  test->capability_read = TRUE;
  test->fhir_version = g_strdup (json_object_get_string_member_with_default (statement,
                                                                             "fhirVersion", NULL));
  if (json_object_has_member (statement, "software") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (statement, "software")))
    {
      JsonObject *software = json_object_get_object_member (statement, "software");

      test->software_name = g_strdup (json_object_get_string_member_with_default (software,
                                                                                  "name", NULL));
      test->software_version = g_strdup (json_object_get_string_member_with_default (software,
                                                                                     "version", NULL));
    }
  g_ptr_array_unref (test->missing);
  test->missing = mar_diagnostics_capability_missing (json);
}

static MarConnectionTest *
connection_test_new (void)
{
  MarConnectionTest *test = g_new0 (MarConnectionTest, 1);

  test->missing = g_ptr_array_new_with_free_func (g_free);
  return test;
}

static MarConnectionTest *
finish_test (MarConnectionTest    *test,
             MarConnectionOutcome  outcome,
             const char           *detail,
             gint64                started)
{
  test->outcome = outcome;
  g_free (test->detail);
  test->detail = g_strdup (detail);
  test->message = message_for_outcome (outcome, detail, test->http_status);
  test->elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_debug ("Test connection: %s, status %u, %" G_GINT64_FORMAT " ms",
           mar_connection_outcome_to_title (outcome), test->http_status, test->elapsed_ms);
  return test;
}

MarConnectionTest *
mar_diagnostics_test_connection (const MarHttpConfig *config,
                                 GCancellable        *cancellable)
{
  g_autoptr(MarConnectionTest) test = connection_test_new ();
  g_autoptr(MarHttpClient) client = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  const MarHttpRequest request = { .method = MAR_HTTP_GET, .target = "metadata" };

  g_return_val_if_fail (config != NULL, NULL);

  client = mar_http_client_new (config, &error);
  if (client == NULL)
    return finish_test (g_steal_pointer (&test), MAR_CONNECTION_CONFIG, error->message, started);

  /* One attempt: IT wants to see what happens now, not after backoff. */
  response = mar_http_client_send (client, &request, cancellable, &error);
  if (response == NULL)
    return finish_test (g_steal_pointer (&test), outcome_for_error (error), error->message,
                        started);

  test->http_status = response->status;
  test->clock_skew_known = mar_http_response_get_clock_skew (response, &test->clock_skew);

  if (!mar_http_response_check (response, &error))
    return finish_test (g_steal_pointer (&test), outcome_for_error (error), error->message,
                        started);

  read_capability (test, response->json);
  if (!test->capability_read)
    return finish_test (g_steal_pointer (&test), MAR_CONNECTION_NOT_FHIR, NULL, started);

  return finish_test (g_steal_pointer (&test), MAR_CONNECTION_OK, NULL, started);
}

MarConnectionTest *
mar_diagnostics_test_connection_with_config (MarConfig    *config,
                                             GCancellable *cancellable)
{
  g_autoptr(MarHttpConfig) http_config = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  http_config = mar_http_config_new_from_config (config, &error);
  if (http_config == NULL)
    return finish_test (connection_test_new (), MAR_CONNECTION_CONFIG, error->message,
                        g_get_monotonic_time ());
  return mar_diagnostics_test_connection (http_config, cancellable);
}

/* ------------------------------------------------------------------------ */
/* Database health                                                          */

void
mar_database_health_free (MarDatabaseHealth *health)
{
  if (health == NULL)
    return;
  g_free (health->path);
  g_free (health->integrity_result);
  g_free (health->last_backup_path);
  g_clear_pointer (&health->counts, g_array_unref);
  g_free (health);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return st.st_size;
}

/* Collects a check's rows: "ok" alone, or the first problems (SQLite
 * lists up to 100; IT needs to know that it is damaged and roughly where). */
static gboolean
collect_check_rows (sqlite3_stmt  *stmt,
                    char         **result,
                    int           *rc)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint rows = 0;
  gboolean ok = FALSE;

  while ((*rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row = (const char *) sqlite3_column_text (stmt, 0);

      if (rows == 0 && g_strcmp0 (row, "ok") == 0)
        ok = TRUE;
      else
        ok = FALSE;
      if (rows < 5)
        {
          if (text->len > 0)
            g_string_append (text, "; ");
          g_string_append (text, row != NULL ? row : "");
        }
      rows++;
    }
  if (rows > 5)
    g_string_append_printf (text, _(" (and %u more)"), rows - 5);
  *result = g_string_free (g_steal_pointer (&text), FALSE);
  return ok && rows == 1 && *rc == SQLITE_DONE;
}

static const char *
check_sql (MarIntegrityCheck check)
{
  return check == MAR_INTEGRITY_FULL ? "PRAGMA integrity_check" : "PRAGMA quick_check";
}

/* The tables IT is shown the size of. SQL literals, one statement each
 * (the store caches statements by the literal's address). */
static const struct
{
  const char *name;
  const char *label;
  const char *sql;
} counted_tables[] = {
  { "patients", N_("Patients"), "SELECT count(*) FROM patients WHERE removed = 0" },
  { "orders", N_("Orders"), "SELECT count(*) FROM orders WHERE removed = 0" },
  { "products", N_("Products"), "SELECT count(*) FROM products WHERE removed = 0" },
  { "allergies", N_("Allergies"), "SELECT count(*) FROM allergies WHERE removed = 0" },
  { "staff", N_("Staff"), "SELECT count(*) FROM staff WHERE removed = 0" },
  { "administrations", N_("Administrations"), "SELECT count(*) FROM administrations WHERE removed = 0" },
  { "record_entries", N_("Record entries"), "SELECT count(*) FROM record_entries" },
  { "outbox", N_("Outbox entries"), "SELECT count(*) FROM outbox" },
  { "quarantine", N_("Quarantined resources"), "SELECT count(*) FROM quarantine" },
};

static gint64
read_setting_time (MarStore *store,
                   GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = mar_store_dup_setting (store, MAR_DIAGNOSTICS_SETTING_LAST_BACKUP,
                                                 &local_error);
  gint64 when = 0;

  if (text == NULL)
    {
      if (g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
        return 0;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return -1;
    }
  if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &when, NULL))
    return 0;
  return when;
}

MarDatabaseHealth *
mar_diagnostics_check_database (MarStore          *store,
                                MarIntegrityCheck  check,
                                GError           **error)
{
  g_autoptr(MarDatabaseHealth) health = g_new0 (MarDatabaseHealth, 1);
  g_autofree char *wal_path = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  health->path = g_strdup (mar_store_get_path (store));
  wal_path = g_strconcat (health->path, "-wal", NULL);
  health->size = file_size (health->path);
  health->wal_size = file_size (wal_path);
  health->schema_version = mar_store_get_schema_version (store);
  health->counts = g_array_new (FALSE, TRUE, sizeof (MarDatabaseCount));

  for (guint i = 0; i < G_N_ELEMENTS (counted_tables); i++)
    {
      g_autoptr(MarStmt) stmt = mar_store_prepare (store, counted_tables[i].sql, error);
      MarDatabaseCount count = { counted_tables[i].name, _(counted_tables[i].label), 0 };

      if (stmt == NULL || mar_store_step (store, stmt, error) != SQLITE_ROW)
        return NULL;
      count.count = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (health->counts, count);
    }

  health->last_backup = read_setting_time (store, error);
  if (health->last_backup < 0)
    return NULL;
  health->last_backup_path = mar_store_dup_setting (store, MAR_DIAGNOSTICS_SETTING_LAST_BACKUP_PATH,
                                                    NULL);

  health->checked = check;
  if (check != MAR_INTEGRITY_NONE)
    {
      sqlite3 *db = mar_store_get_handle (store);
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, check_sql (check), -1, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          mar_store_set_sqlite_error (store, rc, error);
          return NULL;
        }
      health->integrity_ok = collect_check_rows (stmt, &health->integrity_result, &rc);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE && rc != SQLITE_CORRUPT && rc != SQLITE_NOTADB)
        {
          mar_store_set_sqlite_error (store, rc, error);
          return NULL;
        }
      if (rc != SQLITE_DONE && health->integrity_result[0] == '\0')
        {
          g_free (health->integrity_result);
          health->integrity_result = g_strdup (sqlite3_errstr (rc));
        }
    }

  return g_steal_pointer (&health);
}

gboolean
mar_diagnostics_check_file (const char        *path,
                            MarIntegrityCheck  check,
                            GError           **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (check != MAR_INTEGRITY_NONE, FALSE);

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, check_sql (check), -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, MAR_DIAGNOSTICS_ERROR,
                   rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? MAR_DIAGNOSTICS_ERROR_CORRUPT
                                                               : MAR_DIAGNOSTICS_ERROR_READ,
                   _("%s cannot be read as a database: %s"), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return FALSE;
    }

  ok = collect_check_rows (stmt, &result, &rc);
  if (rc != SQLITE_DONE && (result == NULL || result[0] == '\0'))
    {
      g_free (result);
      result = g_strdup (sqlite3_errmsg (db));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  if (!ok)
    {
      g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_CORRUPT,
                   _("%s failed its integrity check: %s"), path, result);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Backup                                                                   */

static gboolean
is_live_database (const char *live,
                  const char *target)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *target_dir = g_path_get_dirname (target);
  g_autofree char *target_base = g_path_get_basename (target);
  g_autofree char *live_dir = g_path_get_dirname (live);
  g_autofree char *live_base = g_path_get_basename (live);
  g_autofree char *target_real = realpath (target_dir, NULL);
  g_autofree char *live_real = realpath (live_dir, NULL);
  GStatBuf target_st, live_st;

  /* The same inode (a hard link, another spelling of the path)... */
  if (g_stat (target, &target_st) == 0 && g_stat (live, &live_st) == 0 &&
      target_st.st_dev == live_st.st_dev && target_st.st_ino == live_st.st_ino)
    return TRUE;

  /* ...or the live database's own name or one of its companions, which a
   * rename over would take from under SQLite. */
  if (target_real == NULL || live_real == NULL || g_strcmp0 (target_real, live_real) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (live_base, suffixes[i], NULL);

      if (g_strcmp0 (name, target_base) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
set_write_error (GError    **error,
                 int         errsv,
                 const char *target,
                 const char *reason)
{
  int code = (errsv == ENOSPC || errsv == EFBIG || errsv == EDQUOT) ? MAR_DIAGNOSTICS_ERROR_FULL
                                                                    : MAR_DIAGNOSTICS_ERROR_WRITE;

  if (code == MAR_DIAGNOSTICS_ERROR_FULL)
    g_set_error (error, MAR_DIAGNOSTICS_ERROR, code,
                 _("The backup %s cannot be written: the disk is full (%s)"), target, reason);
  else
    g_set_error (error, MAR_DIAGNOSTICS_ERROR, code,
                 _("The backup %s cannot be written: %s"), target, reason);
}

static gboolean
fsync_path (const char *path,
            gboolean    directory,
            GError    **error)
{
  int fd = g_open (path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC, 0);
  int errsv;

  if (fd < 0 || fsync (fd) != 0)
    {
      errsv = errno;
      if (fd >= 0)
        close (fd);
      set_write_error (error, errsv, path, g_strerror (errsv));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* Copies the live database into @temp_path with the online backup API: a
 * consistent snapshot even while the app or the sync service write (the
 * copy restarts if another connection changes the source mid-way). */
static gboolean
copy_database (MarStore    *store,
               const char  *temp_path,
               const char  *target,
               GError     **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;
  int dest_errno = 0;
  guint waits = 0;

  rc = sqlite3_open_v2 (temp_path, &dest, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      set_write_error (error, sqlite3_system_errno (dest), target, sqlite3_errmsg (dest));
      sqlite3_close (dest);
      return FALSE;
    }

  backup = sqlite3_backup_init (dest, "main", mar_store_get_handle (store), "main");
  if (backup == NULL)
    {
      g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_READ,
                   _("The database cannot be backed up: %s"), sqlite3_errmsg (dest));
      sqlite3_close (dest);
      return FALSE;
    }

  /* Another process holding a write lock: wait as long as a writer would. */
  while ((rc = sqlite3_backup_step (backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      if (++waits * 50 > MAR_STORE_BUSY_TIMEOUT_MS)
        break;
      g_usleep (50 * 1000);
    }
  /* The destination's errno reaches its handle only at finish; the C
   * errno right after the step is the fallback. */
  if (rc != SQLITE_DONE)
    dest_errno = errno;
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE && sqlite3_system_errno (dest) != 0)
    dest_errno = sqlite3_system_errno (dest);

  if (rc == SQLITE_DONE)
    {
      char *message = NULL;

      /* A self-contained file: no -wal beside the copy. */
      rc = sqlite3_exec (dest, "PRAGMA journal_mode=DELETE", NULL, NULL, &message);
      sqlite3_free (message);
      if (rc == SQLITE_OK)
        rc = SQLITE_DONE;
      else
        dest_errno = sqlite3_system_errno (dest);
    }

  if (rc != SQLITE_DONE)
    {
      if (rc == SQLITE_FULL || dest_errno == ENOSPC || dest_errno == EFBIG || dest_errno == EDQUOT)
        set_write_error (error, dest_errno != 0 ? dest_errno : ENOSPC, target, sqlite3_errstr (rc));
      else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_READ,
                     _("The database stayed busy; try the backup again"));
      else if ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN)
        set_write_error (error, dest_errno, target, sqlite3_errstr (rc));
      else
        g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_READ,
                     _("The database cannot be backed up: %s"), sqlite3_errstr (rc));
      sqlite3_close (dest);
      return FALSE;
    }

  rc = sqlite3_close (dest);
  if (rc != SQLITE_OK)
    {
      set_write_error (error, errno, target, sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

gboolean
mar_diagnostics_backup (MarStore    *store,
                        const char  *target,
                        gint64      *size,
                        GError     **error)
{
  g_autofree char *temp_path = NULL;
  g_autofree char *target_dir = NULL;
  g_autofree char *when_text = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *live;
  gint64 now;
  int fd;
  int errsv;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  live = mar_store_get_path (store);
  if (is_live_database (live, target))
    {
      g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE,
                   _("%s is the terminal's live database; choose another file for the backup"),
                   target);
      return FALSE;
    }
  if (g_file_test (target, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_WRITE,
                   _("The backup %s cannot be written: it is a folder"), target);
      return FALSE;
    }

  /* Beside the target, so that the rename is atomic (same file system).
   * 0600: the copy holds patient data. */
  temp_path = g_strconcat (target, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      errsv = errno;
      set_write_error (error, errsv, target, g_strerror (errsv));
      return FALSE;
    }
  close (fd);

  if (!copy_database (store, temp_path, target, error) ||
      !fsync_path (temp_path, FALSE, error))
    {
      g_unlink (temp_path);
      return FALSE;
    }

  /* Verify before it replaces anything: a copy that does not open or check
   * out is no backup. */
  if (!mar_diagnostics_check_file (temp_path, MAR_INTEGRITY_QUICK, &local_error))
    {
      g_set_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_CORRUPT,
                   _("The backup copy did not pass its check and was removed: %s"),
                   local_error->message);
      g_unlink (temp_path);
      return FALSE;
    }

  if (g_rename (temp_path, target) != 0)
    {
      errsv = errno;
      g_unlink (temp_path);
      set_write_error (error, errsv, target, g_strerror (errsv));
      return FALSE;
    }
  target_dir = g_path_get_dirname (target);
  if (!fsync_path (target_dir, TRUE, error))
    return FALSE;

  if (size != NULL)
    *size = file_size (target);

  /* The backup is made; failing to note it must not make it look failed
   * (a read-only store cannot note it at all). */
  now = g_get_real_time () / G_USEC_PER_SEC;
  when_text = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  if (!mar_store_is_read_only (store) &&
      (!mar_store_set_setting (store, MAR_DIAGNOSTICS_SETTING_LAST_BACKUP, when_text, &local_error) ||
       !mar_store_set_setting (store, MAR_DIAGNOSTICS_SETTING_LAST_BACKUP_PATH, target, &local_error)))
    g_warning ("The backup was made but its time could not be noted: %s", local_error->message);

  g_info ("Database backed up (%" G_GINT64_FORMAT " bytes)", file_size (target));
  return TRUE;
}
