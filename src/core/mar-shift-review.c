/* mar-shift-review.c — the charge nurse's review notes and shift sign-off, in the audit chain
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 8: "the charge nurse can add a review note to an event and sign off
 * the shift (badge + PIN), recorded in the audit trail". Each is an entry
 * of the record's hash chain, appended like the record's own (no bag, no
 * state: kinds review-note and shift-signed-off, docs/shift-log.md), with
 * its row in shift_review_notes or shift_signoffs and the AuditEvent that
 * carries the new chain head to the server, in one transaction.
 */

#define G_LOG_DOMAIN "mar-shift-log"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-shift-log-private.h"
#include "mar-store-private.h"
#include "mar-time.h"

static gboolean
check_reviewer (MarSignature  *reviewer,
                GError       **error)
{
  if (mar_signature_get_role (reviewer) != MAR_ROLE_CHARGE_NURSE)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_ALLOWED,
                           _("Only a charge nurse reviews and signs off the shift log"));
      return FALSE;
    }
  return TRUE;
}

/* Appends the entry and queues the chain head for the server. */
static gboolean
append_review_entry (MarStore      *store,
                     const char    *kind,
                     MarSignature  *reviewer,
                     const char    *patient_id,
                     JsonNode      *payload,
                     gint64         now,
                     gint64        *seq,
                     GError       **error)
{
  g_autoptr(MarAuditEntry) entry = g_new0 (MarAuditEntry, 1);
  g_autoptr(JsonNode) agent = NULL;
  const char *staff_id = mar_signature_get_staff (reviewer)->id;

  entry->kind = g_strdup (kind);
  entry->at = now;
  entry->recorded_at = now;
  entry->performer_id = g_strdup (staff_id);
  entry->patient_id = g_strdup (patient_id);
  entry->payload = mar_audit_canonical_json (payload);
  if (!mar_audit_append (store, entry, error))
    return FALSE;
  *seq = entry->seq;
  agent = mar_staff_dup_fhir_reference (store, staff_id, error);
  return agent != NULL && mar_audit_queue_head (store, agent, now, NULL, error);
}

/* Notes ------------------------------------------------------------------------ */

typedef struct
{
  char   *key;
  gint64  time;
  char   *patient_id;
} EventRef;

static void
event_ref_clear (EventRef *ref)
{
  g_clear_pointer (&ref->key, g_free);
  g_clear_pointer (&ref->patient_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EventRef, event_ref_clear)

static gboolean
parse_int (const char *text,
           gint64     *value)
{
  return text != NULL && *text != '\0' &&
         g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, value, NULL);
}

static void
unknown_event (const char  *key,
               GError     **error)
{
  g_set_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_UNKNOWN_EVENT,
               _("There is no shift-log event “%s” (an entry number, "
                 "administration:ID:start|end or missed:ORDER:DUE)"), key);
}

/* Finds the event a key names, where it can be in a shift log. */
static gboolean
resolve_event (MarStore    *store,
               const char  *key,
               EventRef    *ref,
               GError     **error)
{
  g_auto(GStrv) parts = NULL;
  gint64 number;
  int rc;

  if (parse_int (key, &number))
    ref->key = g_strdup_printf ("entry:%" G_GINT64_FORMAT, number);
  else
    ref->key = g_strdup (key);
  parts = g_strsplit (ref->key, ":", 0);

  if (g_strv_length (parts) == 2 && g_str_equal (parts[0], "entry") && parse_int (parts[1], &number))
    {
      g_autoptr(MarStmt) stmt = mar_store_prepare (store,
        "SELECT at, patient_id FROM record_entries WHERE seq = ?1 AND patient_id IS NOT NULL "
        "  AND kind NOT IN ('review-note', 'shift-signed-off')", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, number);
      if ((rc = mar_store_step (store, stmt, error)) < 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        {
          ref->time = sqlite3_column_int64 (stmt, 0);
          ref->patient_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          return TRUE;
        }
    }
  else if (g_strv_length (parts) >= 3 && g_str_equal (parts[0], "administration"))
    {
      guint n = g_strv_length (parts);
      const char *which = parts[n - 1];
      g_autofree char *id = NULL;
      g_autoptr(MarStmt) stmt = NULL;

      /* An administration id may itself hold colons: the last part is start|end. */
      parts[n - 1] = NULL;
      id = g_strjoinv (":", parts + 1);
      parts[n - 1] = (char *) which;
      stmt = mar_store_prepare (store,
        "SELECT start_time, end_time, patient_id FROM administrations WHERE id = ?1 AND source IS NOT 'local'",
        error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      if ((rc = mar_store_step (store, stmt, error)) < 0)
        return FALSE;
      if (rc == SQLITE_ROW && (g_str_equal (which, "start") ||
                               (g_str_equal (which, "end") && sqlite3_column_type (stmt, 1) != SQLITE_NULL)))
        {
          ref->time = sqlite3_column_int64 (stmt, g_str_equal (which, "start") ? 0 : 1);
          ref->patient_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          return TRUE;
        }
    }
  else if (g_strv_length (parts) >= 3 && g_str_equal (parts[0], "missed"))
    {
      guint n = g_strv_length (parts);
      g_autofree char *order = NULL;
      g_autoptr(MarStmt) stmt = NULL;
      gint64 due;

      if (!parse_int (parts[n - 1], &due))
        {
          unknown_event (key, error);
          return FALSE;
        }
      g_free (parts[n - 1]);
      parts[n - 1] = NULL;
      order = g_strjoinv (":", parts + 1);
      stmt = mar_store_prepare (store, "SELECT patient_id FROM orders WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, order, -1, SQLITE_TRANSIENT);
      if ((rc = mar_store_step (store, stmt, error)) < 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        {
          ref->time = due;
          ref->patient_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          return TRUE;
        }
    }
  unknown_event (key, error);
  return FALSE;
}

gint64
mar_shift_log_add_note (MarStore      *store,
                        const char    *event_key,
                        MarSignature  *reviewer,
                        const char    *text,
                        gint64         now,
                        GError       **error)
{
  g_auto(EventRef) ref = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(MarStmt) stmt = NULL;
  g_autofree char *note = NULL;
  gint64 seq = 0;

  g_return_val_if_fail (MAR_IS_STORE (store), 0);
  g_return_val_if_fail (event_key != NULL && reviewer != NULL, 0);

  if (!check_reviewer (reviewer, error))
    return 0;
  note = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (!g_utf8_validate (note, -1, NULL) || *note == '\0' ||
      g_utf8_strlen (note, -1) > MAR_SHIFT_NOTE_MAX_CHARS)
    {
      g_set_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_INVALID,
                   _("A review note is 1 to %d characters of text"), MAR_SHIFT_NOTE_MAX_CHARS);
      return 0;
    }

  if (!mar_store_begin (store, error))
    return 0;
  if (!resolve_event (store, event_key, &ref, error))
    goto failed;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, ref.key);
  json_builder_set_member_name (builder, "event_time");
  json_builder_add_int_value (builder, ref.time);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, note);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!append_review_entry (store, MAR_ENTRY_REVIEW_NOTE, reviewer, ref.patient_id, payload, now, &seq, error))
    goto failed;
  stmt = mar_store_prepare (store,
    "INSERT INTO shift_review_notes (entry_seq, event_key, event_time, patient_id, staff_id, at, text) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, ref.key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, ref.time);
  sqlite3_bind_text (stmt, 4, ref.patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, mar_signature_get_staff (reviewer)->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_text (stmt, 7, note, -1, SQLITE_TRANSIENT);
  if (!mar_store_run (store, stmt, error))
    goto failed;
  g_clear_pointer (&stmt, mar_stmt_release);
  if (!mar_audit_commit (store, error))
    return 0;
  return seq;

failed:
  g_clear_pointer (&stmt, mar_stmt_release);
  mar_store_rollback (store);
  return 0;
}

/* Sign-off ---------------------------------------------------------------------- */

gboolean
mar_shift_log_sign_off (MarShiftLog   *self,
                        MarStore      *store,
                        MarSignature  *charge,
                        gint64         now,
                        gint64        *seq_out,
                        GError       **error)
{
  MarShiftLogData data = { 0 };
  const MarShift *shift;
  g_autofree char *digest = NULL;
  g_autofree char *date = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(MarStmt) stmt = NULL;
  gint64 seq = 0;
  gint64 signed_in;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), FALSE);
  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (charge != NULL, FALSE);

  if (!check_reviewer (charge, error))
    return FALSE;
  /* An attestation: the PIN is given for it, on the spot. */
  signed_in = mar_signature_get_time (charge);
  if (now - signed_in > MAR_SHIFT_SIGN_OFF_MAX_AGE_SECONDS || signed_in > now + MAR_SHIFT_SIGN_OFF_MAX_AGE_SECONDS)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_ALLOWED,
                           _("Sign the shift off with your badge and PIN now"));
      return FALSE;
    }
  shift = mar_shift_log_get_shift (self);
  if (now < shift->start)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_NOT_STARTED,
                           _("This shift has not begun: it cannot be signed off yet"));
      return FALSE;
    }

  if (!mar_store_begin (store, error))
    return FALSE;
  /* What is signed is what the charge nurse looked at: read it again under
   * the write lock and compare. */
  if (!mar_shift_log_read (store, mar_shift_log_get_library (self), mar_shift_log_get_time_zone (self),
                           mar_shift_log_get_unit_id (self), shift, now, &data, error))
    goto failed;
  digest = mar_shift_log_compute_digest (data.events);
  if (g_strcmp0 (digest, mar_shift_log_get_digest (self)) != 0)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_CHANGED,
                           _("The shift log changed since it was opened: look at it again, then sign off"));
      goto failed;
    }
  if (data.sign_off != NULL && g_strcmp0 (data.sign_off->digest, digest) == 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (data.sign_off->signed_at);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, mar_shift_log_get_time_zone (self));
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");

      g_set_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_ALREADY_SIGNED_OFF,
                   _("This shift was signed off by %s at %s, and nothing changed since"),
                   data.sign_off->staff_name, when);
      goto failed;
    }

  date = mar_shift_dup_date (shift);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, data.unit_id);
  json_builder_set_member_name (builder, "unit_name");
  json_builder_add_string_value (builder, data.unit_name);
  json_builder_set_member_name (builder, "shift");
  json_builder_add_string_value (builder, shift->name);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, shift->start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_int_value (builder, shift->end);
  json_builder_set_member_name (builder, "events");
  json_builder_add_int_value (builder, data.events->len);
  json_builder_set_member_name (builder, "digest");
  json_builder_add_string_value (builder, digest);
  json_builder_set_member_name (builder, "last_entry");
  json_builder_add_int_value (builder, data.head_seq);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  if (!append_review_entry (store, MAR_ENTRY_SHIFT_SIGNED_OFF, charge, NULL, payload, now, &seq, error))
    goto failed;
  stmt = mar_store_prepare (store,
    "INSERT INTO shift_signoffs (entry_seq, unit_id, shift, shift_date, start_time, end_time, staff_id, "
    "  signed_at, last_entry_seq, events, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, data.unit_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, shift->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, date, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, shift->start);
  sqlite3_bind_int64 (stmt, 6, shift->end);
  sqlite3_bind_text (stmt, 7, mar_signature_get_staff (charge)->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 9, data.head_seq);
  sqlite3_bind_int64 (stmt, 10, data.events->len);
  sqlite3_bind_text (stmt, 11, digest, -1, SQLITE_TRANSIENT);
  if (!mar_store_run (store, stmt, error))
    goto failed;
  g_clear_pointer (&stmt, mar_stmt_release);
  mar_shift_log_data_clear (&data);
  if (!mar_audit_commit (store, error))
    return FALSE;
  if (seq_out != NULL)
    *seq_out = seq;
  /* The sign-off is recorded; the log shows it from now on. */
  return mar_shift_log_reload (self, now, error);

failed:
  g_clear_pointer (&stmt, mar_stmt_release);
  mar_shift_log_data_clear (&data);
  mar_store_rollback (store);
  return FALSE;
}
