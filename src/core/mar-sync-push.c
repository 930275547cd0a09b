/* mar-sync-push.c — the outbox, to the FHIR server, each record exactly once
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FHIR-PROFILE.md, "Written (push)". Each entry is sent so that sending it
 * again is harmless, because the answer to the first try may be lost after
 * the server committed (a dropped connection, a timeout, a killed server):
 *
 * - a create is POST [type] with If-None-Exist:
 *   identifier=urn:ietf:rfc:3986|urn:uuid:<resource UUID> (FHIR R4
 *   http.html#ccreate): a retry finds the copy the first try made (200)
 *   instead of making a second one. A type without an identifier search
 *   parameter in R4 (AuditEvent, AdverseEvent) is created with PUT
 *   [type]/<UUID> (http.html#upsert): the same id twice is one resource.
 * - an update is PUT [type]/[server id] with If-Match on the version we
 *   last saw. A 412 means someone else changed it, or our own lost try did:
 *   we read it again, and PUT again on that version unless it already says
 *   what we would write.
 *
 * Network trouble, timeouts, 5xx, 429 and broken answers leave the entry
 * pending with exponential backoff and jitter (or exactly the server's
 * Retry-After); the push waits in-run up to max_push_wait in total, then
 * leaves the rest for the next run. A refusal (any other 4xx) parks the
 * entry with the server's OperationOutcome text for IT (marctl status,
 * marctl outbox retry). Entries go oldest first, an entry never before the
 * entry it depends on (mar_outbox_next_ready).
 */

#define G_LOG_DOMAIN "mar-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mar-outbox.h"
#include "mar-sync-private.h"
#include "mar-time.h"

#define SYSTEM_URI           "urn:ietf:rfc:3986"
#define BACKOFF_INITIAL_S    2
#define BACKOFF_MAX_S        600
#define MAX_CONFLICT_RETRIES 3

typedef enum
{
  PUSH_SENT,
  PUSH_PARKED,      /* refused: park for IT */
  PUSH_RETRY,       /* transient: try again after a delay */
  PUSH_STOP,        /* concerns every entry (TLS, credentials, configuration) */
} PushOutcome;

typedef struct
{
  char   *server_id;
  char   *server_version;
  char   *message;    /* for parked and retried entries */
  gint64  delay;      /* seconds, for PUSH_RETRY */
  GError *stop;       /* for PUSH_STOP: what every entry would meet */
} PushResult;

static void
push_result_clear (PushResult *result)
{
  g_clear_pointer (&result->server_id, g_free);
  g_clear_pointer (&result->server_version, g_free);
  g_clear_pointer (&result->message, g_free);
  g_clear_error (&result->stop);
}

/* Exponential backoff with "equal jitter" over the entry's attempts:
 * terminals that lost the server together do not all come back at once. */
static gint64
backoff_seconds (int attempts)
{
  gint64 step = BACKOFF_INITIAL_S;

  for (int i = 1; i < attempts && step < BACKOFF_MAX_S; i++)
    step *= 2;
  step = MIN (step, BACKOFF_MAX_S);
  return step / 2 + g_random_int_range (0, (gint32) (step - step / 2) + 1);
}

/* R4 resource types with an `identifier` search parameter, which
 * If-None-Exist needs. Others (AuditEvent, and AdverseEvent, whose
 * identifier element R4 does not make searchable) are created with PUT on
 * our UUID as the id. A server that does not know a parameter may match
 * nothing and create a second copy on a retry (Medplum does): better never
 * to ask. */
static gboolean
has_identifier_search (const char *resource_type)
{
  static const char * const with[] = {
    "MedicationAdministration", "Observation", "MedicationStatement", "MedicationDispense",
    "MedicationRequest", "Procedure", "Communication", "DetectedIssue", "DocumentReference",
    "Flag", "Task", NULL
  };

  return g_strv_contains (with, resource_type);
}

/* ------------------------------------------------------------------------ */
/* References to our own resources                                          */

static gboolean
lookup_pushed (MarStore    *store,
               const char  *uuid,
               char       **type,
               char       **server_id,
               GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT resource_type, server_id FROM pushed_resources WHERE resource_uuid = ?1", error);
  int rc;

  *type = NULL;
  *server_id = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      *type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *server_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  return TRUE;
}

static gboolean
is_queued (MarStore    *store,
           const char  *uuid,
           gboolean    *queued,
           GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (store,
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE resource_uuid = ?1)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (mar_store_step (store, stmt, error) != SQLITE_ROW)
    return FALSE;
  *queued = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

/* The record refers to its own resources as "urn:uuid:<UUID>" (it cannot
 * know the server's ids). Once the referred resource is on the server the
 * reference becomes "Type/<server id>"; before that the entry waits
 * (@waiting). References to anything else are left as written. */
static gboolean
resolve_references (MarStore    *store,
                    JsonNode    *node,
                    const char  *self_uuid,
                    gboolean    *waiting,
                    GError     **error)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!resolve_references (store, json_array_get_element (array, i), self_uuid, waiting, error))
          return FALSE;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;

  {
    JsonObject *object = json_node_get_object (node);
    g_autoptr(GList) members = json_object_get_members (object);
    JsonNode *identifier_node = json_object_get_member (object, "identifier");

    /* A logical reference (Reference.identifier, FHIR R4 references.html)
     * to one of our own resources, as the record writes them: given the
     * literal reference too once the server has it, so the server can
     * follow it; the entry waits while the resource is queued. */
    if (identifier_node != NULL && JSON_NODE_HOLDS_OBJECT (identifier_node) &&
        !json_object_has_member (object, "reference"))
      {
        JsonObject *identifier = json_node_get_object (identifier_node);
        const char *system = json_object_get_string_member_with_default (identifier, "system", NULL);
        const char *value = json_object_get_string_member_with_default (identifier, "value", NULL);

        /* (An AdverseEvent's own identifier is an object too: not a reference.) */
        if (g_strcmp0 (system, SYSTEM_URI) == 0 && value != NULL && g_str_has_prefix (value, "urn:uuid:") &&
            g_strcmp0 (value + strlen ("urn:uuid:"), self_uuid) != 0)
          {
            g_autofree char *type = NULL;
            g_autofree char *server_id = NULL;
            gboolean queued = FALSE;

            if (!lookup_pushed (store, value + strlen ("urn:uuid:"), &type, &server_id, error))
              return FALSE;
            if (server_id != NULL)
              {
                g_autofree char *reference = g_strconcat (type, "/", server_id, NULL);

                json_object_set_string_member (object, "reference", reference);
              }
            else
              {
                if (!is_queued (store, value + strlen ("urn:uuid:"), &queued, error))
                  return FALSE;
                if (queued)
                  *waiting = TRUE;
              }
          }
      }

    for (GList *l = members; l != NULL; l = l->next)
      {
        const char *name = l->data;
        JsonNode *child = json_object_get_member (object, name);

        if (strcmp (name, "reference") == 0 && JSON_NODE_HOLDS_VALUE (child) &&
            json_node_get_value_type (child) == G_TYPE_STRING &&
            g_str_has_prefix (json_node_get_string (child), "urn:uuid:"))
          {
            const char *uuid = json_node_get_string (child) + strlen ("urn:uuid:");
            g_autofree char *type = NULL;
            g_autofree char *server_id = NULL;
            gboolean queued = FALSE;

            if (!lookup_pushed (store, uuid, &type, &server_id, error))
              return FALSE;
            if (server_id != NULL)
              {
                g_autofree char *reference = g_strconcat (type, "/", server_id, NULL);

                json_object_set_string_member (object, "reference", reference);
              }
            else
              {
                if (!is_queued (store, uuid, &queued, error))
                  return FALSE;
                if (queued)
                  *waiting = TRUE;
              }
          }
        else if (!resolve_references (store, child, self_uuid, waiting, error))
          return FALSE;
      }
  }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* One request                                                              */

/* What an answer (or its absence) means for the entry. */
static PushOutcome
classify (MarHttpResponse  *response,
          GError           *send_error,
          int               attempts,
          PushResult       *result)
{
  g_autoptr(GError) status_error = NULL;

  if (response == NULL)
    {
      result->message = g_strdup (send_error->message);
      if (mar_http_error_is_transient (send_error))
        {
          result->delay = backoff_seconds (attempts + 1);
          return PUSH_RETRY;
        }
      result->stop = g_error_copy (send_error);
      return PUSH_STOP;
    }

  if (mar_http_response_check (response, &status_error))
    {
      result->server_id = g_strdup (response->resource_id);
      result->server_version = g_strdup (response->version_id);
      return PUSH_SENT;
    }

  if (response->status == 408 || mar_http_error_is_transient (status_error))
    {
      result->message = g_strdup (status_error->message);
      /* RFC 9110 §10.2.3: the server says when (429, 503). */
      result->delay = response->retry_after >= 0 ? response->retry_after : backoff_seconds (attempts + 1);
      return PUSH_RETRY;
    }
  if (response->status == 401 || response->status == 403)
    {
      result->message = g_strdup (status_error->message);
      result->stop = g_steal_pointer (&status_error);
      return PUSH_STOP;
    }

  /* FHIR-PROFILE.md: a 4xx with an OperationOutcome is shown to IT
   * verbatim and the record stays in the outbox, flagged. */
  result->message = mar_http_operation_outcome_to_string (response->json);
  if (result->message == NULL)
    result->message = g_strdup_printf (_("HTTP %u without an OperationOutcome"), response->status);
  return PUSH_PARKED;
}

static MarHttpResponse *
send_request (MarSync               *sync,
              const MarHttpRequest  *request,
              GError               **error)
{
  MarHttpResponse *response = mar_http_client_send (sync->client, request, sync->cancellable, error);

  if (response != NULL)
    mar_sync_note_response (sync, response);
  return response;
}

/* The resource without what the server owns, to compare two copies. A
 * deep copy: json_node_copy() shares the object. */
static JsonNode *
comparable_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  JsonNode *copy = json_from_string (text, NULL);
  JsonObject *object = json_node_get_object (copy);

  json_object_remove_member (object, "meta");
  json_object_remove_member (object, "id");
  json_object_remove_member (object, "text");
  return copy;
}

/* After a 412: the server's copy and its version. */
static PushOutcome
read_current (MarSync      *sync,
              const char   *resource_type,
              const char   *server_id,
              JsonNode     *ours,
              int           attempts,
              char        **version,
              gboolean     *same,
              PushResult   *result)
{
  g_autofree char *escaped = g_uri_escape_string (server_id, NULL, FALSE);
  g_autofree char *target = g_strconcat (resource_type, "/", escaped, NULL);
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GError) send_error = NULL;
  MarHttpRequest request = { .method = MAR_HTTP_GET, .target = target };
  PushOutcome outcome;

  response = send_request (sync, &request, &send_error);
  outcome = classify (response, send_error, attempts, result);
  if (outcome != PUSH_SENT)
    return outcome;
  g_clear_pointer (&result->server_id, g_free);
  g_clear_pointer (&result->server_version, g_free);
  *version = g_strdup (response->version_id);
  *same = FALSE;
  if (response->json != NULL && JSON_NODE_HOLDS_OBJECT (response->json))
    {
      g_autoptr(JsonNode) a = comparable_copy (ours);
      g_autoptr(JsonNode) b = comparable_copy (response->json);

      *same = json_node_equal (a, b);
    }
  return PUSH_SENT;
}

static PushOutcome
push_update (MarSync         *sync,
             MarOutboxEntry  *entry,
             JsonNode        *resource,
             PushResult      *result,
             GError         **error)
{
  g_autofree char *server_id = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) lookup_error = NULL;
  JsonObject *object = json_node_get_object (resource);

  if (!mar_outbox_lookup_server_id (sync->store, entry->resource_uuid, &server_id, &version, &lookup_error))
    {
      if (!g_error_matches (lookup_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&lookup_error));
          return PUSH_STOP;
        }
      result->message = g_strdup (_("This change is to a record that was never created on the server"));
      return PUSH_PARKED;
    }

  json_object_set_string_member (object, "id", server_id);
  json_object_remove_member (object, "meta");

  for (int conflicts = 0;; conflicts++)
    {
      g_autofree char *escaped = g_uri_escape_string (server_id, NULL, FALSE);
      g_autofree char *target = g_strconcat (entry->resource_type, "/", escaped, NULL);
      g_autoptr(MarHttpResponse) response = NULL;
      g_autoptr(GError) send_error = NULL;
      g_autofree char *current = NULL;
      MarHttpRequest request = {
        .method = MAR_HTTP_PUT,
        .target = target,
        .body = resource,
        .if_match = version,
      };
      gboolean same = FALSE;
      PushOutcome outcome;

      response = send_request (sync, &request, &send_error);
      if (response == NULL || (response->status != 412 && response->status != 409))
        {
          outcome = classify (response, send_error, entry->attempts, result);
          if (outcome == PUSH_SENT && result->server_id == NULL)
            result->server_id = g_strdup (server_id);
          return outcome;
        }
      if (conflicts >= MAX_CONFLICT_RETRIES)
        {
          result->message = g_strdup_printf (_("The record kept changing on the server (HTTP %u) "
                                               "after %d attempts"), response->status, conflicts + 1);
          result->delay = backoff_seconds (entry->attempts + 1);
          return PUSH_RETRY;
        }

      /* FHIR-PROFILE.md: a 412 re-reads and retries. */
      outcome = read_current (sync, entry->resource_type, server_id, resource, entry->attempts,
                              &current, &same, result);
      if (outcome != PUSH_SENT)
        return outcome;
      if (same)
        {
          /* Our own earlier try got through; its answer was lost. */
          result->server_id = g_strdup (server_id);
          result->server_version = g_steal_pointer (&current);
          return PUSH_SENT;
        }
      if (!mar_outbox_set_server_version (sync->store, entry->resource_uuid, current, error))
        return PUSH_STOP;
      g_free (version);
      version = g_steal_pointer (&current);
    }
}

/* A 2xx without an id (no body, no Location): find the copy by its
 * identifier, for the updates that will follow. */
static void
find_created (MarSync        *sync,
              MarOutboxEntry *entry,
              PushResult     *result)
{
  g_autofree char *target = g_strdup_printf ("%s?identifier=" SYSTEM_URI "%%7Curn:uuid:%s",
                                             entry->resource_type, entry->resource_uuid);
  g_autoptr(MarHttpResponse) response = NULL;
  MarHttpRequest request = { .method = MAR_HTTP_GET, .target = target };
  JsonArray *entries;

  response = send_request (sync, &request, NULL);
  if (response == NULL || response->status != 200 || response->json == NULL ||
      !JSON_NODE_HOLDS_OBJECT (response->json))
    return;
  entries = json_object_get_array_member (json_node_get_object (response->json), "entry");
  if (entries != NULL && json_array_get_length (entries) == 1)
    {
      JsonObject *found = json_object_get_object_member (json_array_get_object_element (entries, 0), "resource");
      JsonObject *meta = found != NULL ? json_object_get_object_member (found, "meta") : NULL;

      if (found != NULL && json_object_has_member (found, "id"))
        result->server_id = g_strdup (json_object_get_string_member (found, "id"));
      if (meta != NULL && json_object_has_member (meta, "versionId"))
        result->server_version = g_strdup (json_object_get_string_member (meta, "versionId"));
    }
}

static PushOutcome
push_create (MarSync         *sync,
             MarOutboxEntry  *entry,
             JsonNode        *resource,
             PushResult      *result)
{
  JsonObject *object = json_node_get_object (resource);
  g_autoptr(MarHttpResponse) response = NULL;
  g_autoptr(GError) send_error = NULL;
  g_autofree char *if_none_exist = NULL;
  g_autofree char *target = NULL;
  MarHttpRequest request = { .body = resource };
  PushOutcome outcome;

  json_object_remove_member (object, "meta");
  if (has_identifier_search (entry->resource_type))
    {
      json_object_remove_member (object, "id");
      if_none_exist = g_strdup_printf ("identifier=" SYSTEM_URI "|urn:uuid:%s", entry->resource_uuid);
      request.method = MAR_HTTP_POST;
      request.target = entry->resource_type;
      request.if_none_exist = if_none_exist;
    }
  else
    {
      json_object_set_string_member (object, "id", entry->resource_uuid);
      target = g_strconcat (entry->resource_type, "/", entry->resource_uuid, NULL);
      request.method = MAR_HTTP_PUT;
      request.target = target;
    }

  response = send_request (sync, &request, &send_error);
  if (response != NULL && response->status == 412 && request.method == MAR_HTTP_POST)
    {
      /* FHIR R4 http.html#ccreate: several resources already carry our
       * identifier. Not ours to choose: IT decides. */
      g_autofree char *outcome_text = mar_http_operation_outcome_to_string (response->json);

      result->message = g_strdup_printf (_("The server already holds several copies of this record "
                                           "(HTTP 412)%s%s"),
                                         outcome_text != NULL ? ": " : "",
                                         outcome_text != NULL ? outcome_text : "");
      return PUSH_PARKED;
    }
  outcome = classify (response, send_error, entry->attempts, result);
  if (outcome == PUSH_SENT && result->server_id == NULL && request.method == MAR_HTTP_POST)
    find_created (sync, entry, result);
  if (outcome == PUSH_SENT && result->server_id == NULL)
    {
      if (request.method == MAR_HTTP_PUT)
        result->server_id = g_strdup (entry->resource_uuid);
      else
        {
          result->message = g_strdup (_("The server accepted the record but did not say under which id"));
          result->delay = backoff_seconds (entry->attempts + 1);
          return PUSH_RETRY;
        }
    }
  return outcome;
}

static PushOutcome
push_entry (MarSync         *sync,
            MarOutboxEntry  *entry,
            PushResult      *result,
            GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) resource = NULL;
  gboolean waiting = FALSE;

  if (!json_parser_load_from_data (parser, entry->resource_json, -1, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      result->message = g_strdup (_("The queued record is not a JSON object and cannot be sent"));
      return PUSH_PARKED;
    }
  resource = json_node_copy (json_parser_get_root (parser));

  if (!resolve_references (sync->store, resource, entry->resource_uuid, &waiting, error))
    return PUSH_STOP;
  if (waiting)
    {
      result->message = g_strdup (_("Waiting for a record it refers to"));
      result->delay = BACKOFF_INITIAL_S;
      return PUSH_RETRY;
    }

  if (entry->operation == MAR_OUTBOX_UPDATE)
    return push_update (sync, entry, resource, result, error);
  return push_create (sync, entry, resource, result);
}

/* ------------------------------------------------------------------------ */

static gboolean
count_pending (MarStore  *store,
               guint     *pending,
               GError   **error)
{
  MarOutboxCounts counts;

  if (!mar_outbox_get_counts (store, &counts, error))
    return FALSE;
  *pending = counts.pending;
  return TRUE;
}

gboolean
mar_sync_push_locked (MarSync  *sync,
                      GError  **error)
{
  MarSyncReport *report = sync->report;
  gint64 waited = 0;

  for (;;)
    {
      g_autoptr(MarOutboxEntry) entry = NULL;
      g_autoptr(GError) local_error = NULL;
      PushResult result = { 0 };
      PushOutcome outcome;
      gint64 now;

      if (g_cancellable_set_error_if_cancelled (sync->cancellable, error))
        return FALSE;
      now = mar_sync_now (sync);
      entry = mar_outbox_next_ready (sync->store, now, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (entry == NULL)
        {
          gint64 next = 0;

          /* An entry waits for a retry soon: wait for it within the budget. */
          if (!mar_sync_store_next_push (sync->store, now, &next, error))
            return FALSE;
          if (next > 0 && waited + (next - now) <= sync->max_push_wait)
            {
              if (!mar_sync_sleep (sync, next - now))
                {
                  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
                  return FALSE;
                }
              waited += next - now;
              continue;
            }
          break;
        }

      outcome = push_entry (sync, entry, &result, &local_error);
      if (local_error != NULL)
        {
          push_result_clear (&result);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      switch (outcome)
        {
        case PUSH_SENT:
          if (!mar_outbox_mark_sent (sync->store, entry->seq, result.server_id, result.server_version,
                                     mar_sync_now (sync), error))
            {
              push_result_clear (&result);
              return FALSE;
            }
          report->pushed++;
          break;

        case PUSH_PARKED:
          if (!mar_outbox_mark_failed (sync->store, entry->seq, result.message, error))
            {
              push_result_clear (&result);
              return FALSE;
            }
          report->push_parked++;
          {
            g_autofree char *field = g_strconcat ("MAR_SYNC_TYPE=", entry->resource_type, NULL);

            mar_sync_log (G_LOG_LEVEL_MESSAGE, "parked",
                          "The server refused a record; it is parked for IT (marctl outbox show --failed)",
                          field, NULL);
          }
          break;

        case PUSH_STOP:
          /* TLS, credentials, configuration: not this entry's fault, and
           * every other entry would meet it too. The entry is left as it
           * was; the run reports the error (marctl status). */
          if (result.stop != NULL)
            g_propagate_error (error, g_steal_pointer (&result.stop));
          else
            g_set_error_literal (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONFIG, result.message);
          push_result_clear (&result);
          if (!count_pending (sync->store, &report->push_pending, NULL))
            report->push_pending = 0;
          return FALSE;

        case PUSH_RETRY:
          {
            gint64 delay = MAX (result.delay, 1);

            if (!mar_outbox_mark_retry (sync->store, entry->seq, now + delay, result.message, error))
              {
                push_result_clear (&result);
                return FALSE;
              }
            report->push_retries++;
            if (waited + delay > sync->max_push_wait)
              {
                push_result_clear (&result);
                goto done;
              }
            if (!mar_sync_sleep (sync, delay))
              {
                push_result_clear (&result);
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
                return FALSE;
              }
            waited += delay;
          }
          break;

        default:
          g_assert_not_reached ();
        }
      push_result_clear (&result);
    }

done:
  return count_pending (sync->store, &report->push_pending, error);
}
