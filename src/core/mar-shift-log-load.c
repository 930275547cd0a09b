/* mar-shift-log-load.c — reading one shift of one unit from the store
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every read is an indexed range: the record's entries and the variance
 * log by clinical time, the unit's patients' bags, administrations and
 * orders by patient. Payload members are read with SQLite's json_extract
 * (one parse of each payload for all the members the log shows), never by
 * parsing whole payloads (an infusion-started entry carries the whole
 * verification). The charge nurse's screen opens the log of a 40-bed unit
 * in well under 200 ms (bench/bench-shift-log.c).
 */

#define G_LOG_DOMAIN "mar-shift-log"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-record-private.h"
#include "mar-schedule.h"
#include "mar-shift-log-private.h"
#include "mar-store-private.h"
#include "mar-time.h"
#include "mar-verify.h"
#include "mar-vocabulary.h"

typedef struct
{
  MarStore        *store;
  MarDrugLibrary  *library;
  GTimeZone       *time_zone;
  const MarShift  *shift;
  gint64           now;
  gint64           as_of;        /* MIN (shift end, now + 1): what has happened */
  MarShiftLogData *data;
  GHashTable      *patients;     /* patient id → MarShiftPatient (borrowed from data) */
  GHashTable      *staff;        /* staff id → name */
  GHashTable      *entries;      /* entry seq (gint64 *) → MarShiftLogEvent (borrowed) */
} Loader;

void
mar_shift_patient_free (MarShiftPatient *patient)
{
  if (patient == NULL)
    return;
  g_free (patient->patient_id);
  g_free (patient->name);
  g_free (patient->mrn);
  g_free (patient->bed);
  g_free (patient);
}

void
mar_shift_bag_free (MarShiftBag *bag)
{
  if (bag == NULL)
    return;
  mar_infusion_free (bag->infusion);
  g_free (bag->bed);
  g_free (bag->patient_name);
  g_free (bag);
}

void
mar_shift_variance_free (MarShiftVariance *variance)
{
  if (variance == NULL)
    return;
  g_free (variance->kind);
  g_free (variance->code);
  g_free (variance->reason);
  g_free (variance->comment);
  g_free (variance);
}

void
mar_shift_sign_off_free (MarShiftSignOff *sign_off)
{
  if (sign_off == NULL)
    return;
  g_free (sign_off->staff_id);
  g_free (sign_off->staff_name);
  g_free (sign_off->digest);
  g_free (sign_off);
}

void
mar_shift_log_data_clear (MarShiftLogData *data)
{
  g_clear_pointer (&data->unit_id, g_free);
  g_clear_pointer (&data->unit_name, g_free);
  g_clear_pointer (&data->events, g_ptr_array_unref);
  g_clear_pointer (&data->patients, g_ptr_array_unref);
  g_clear_pointer (&data->bags, g_ptr_array_unref);
  g_clear_pointer (&data->variances, g_ptr_array_unref);
  g_clear_pointer (&data->sign_off, mar_shift_sign_off_free);
}

static const char *
column_get (MarStmt *stmt,
            int      i)
{
  return (const char *) sqlite3_column_text (stmt, i);
}

static gint64
column_time (MarStmt *stmt,
             int      i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL ? MAR_TIME_UNSET : sqlite3_column_int64 (stmt, i);
}

static char *
patient_display_name (const char *id,
                      const char *family,
                      const char *given)
{
  MarPatient patient = { 0 };

  patient.id = (char *) id;
  patient.family = (char *) family;
  patient.given = (char *) given;
  return mar_patient_dup_display_name (&patient);
}

char *
mar_shift_log_dup_staff_name (MarStore   *store,
                              const char *staff_id)
{
  g_autoptr(MarStmt) stmt = NULL;

  if (staff_id == NULL)
    return NULL;
  stmt = mar_store_prepare (store, "SELECT name FROM staff WHERE id = ?1", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, staff_id, -1, SQLITE_TRANSIENT);
      if (mar_store_step (store, stmt, NULL) == SQLITE_ROW && column_get (stmt, 0) != NULL)
        return mar_store_column_dup (stmt, 0);
    }
  /* The terminal itself (staff events) or a practitioner not cached. */
  return g_strdup (staff_id);
}

static const char *
staff_name (Loader     *loader,
            const char *staff_id)
{
  char *name;

  if (staff_id == NULL)
    return NULL;
  name = g_hash_table_lookup (loader->staff, staff_id);
  if (name == NULL)
    {
      name = mar_shift_log_dup_staff_name (loader->store, staff_id);
      g_hash_table_insert (loader->staff, g_strdup (staff_id), name);
    }
  return name;
}

/* The unit ------------------------------------------------------------------- */

static gboolean
resolve_unit (Loader      *loader,
              const char  *unit,
              GError     **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT id, name, id = ?1 FROM locations WHERE removed = 0 AND (id = ?1 OR name = ?1) "
    "ORDER BY id = ?1 DESC, id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, unit, -1, SQLITE_TRANSIENT);
  rc = mar_store_step (loader->store, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_UNKNOWN_UNIT,
                   _("No unit in this terminal's cache has the id or name “%s”"), unit);
      return FALSE;
    }
  loader->data->unit_id = mar_store_column_dup (stmt, 0);
  loader->data->unit_name = mar_store_column_dup (stmt, 1);
  if (loader->data->unit_name == NULL)
    loader->data->unit_name = g_strdup (loader->data->unit_id);
  if (sqlite3_column_int (stmt, 2) == 0)
    {
      rc = mar_store_step (loader->store, stmt, error);
      if (rc < 0)
        return FALSE;
      if (rc == SQLITE_ROW)
        {
          g_set_error (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_AMBIGUOUS_UNIT,
                       _("Several locations are named “%s”: give the unit's Location id"), unit);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
mar_shift_log_resolve_unit (MarStore    *store,
                            const char  *unit,
                            char       **unit_id,
                            char       **unit_name,
                            GError     **error)
{
  MarShiftLogData data = { 0 };
  Loader loader = { .store = store, .data = &data };
  gboolean ok;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (unit != NULL, FALSE);

  ok = resolve_unit (&loader, unit, error);
  if (ok && unit_id != NULL)
    *unit_id = g_steal_pointer (&data.unit_id);
  if (ok && unit_name != NULL)
    *unit_name = g_steal_pointer (&data.unit_name);
  mar_shift_log_data_clear (&data);
  return ok;
}

/* The unit's patients: an encounter overlapping the shift, located at the
 * unit or at a bed or room inside it (FHIR-PROFILE.md, Location: bed →
 * room → unit). The latest such encounter gives the bed. */
static gboolean
read_patients (Loader  *loader,
               GError **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "WITH RECURSIVE unit_locations (id) AS ("
    "  SELECT ?1 UNION SELECT l.id FROM locations l JOIN unit_locations u ON l.part_of = u.id) "
    "SELECT e.patient_id, p.family, p.given, p.mrn, COALESCE (l.name, e.location_id) "
    "FROM encounters e JOIN patients p ON p.id = e.patient_id "
    "LEFT JOIN locations l ON l.id = e.location_id "
    "WHERE e.removed = 0 AND e.location_id IN (SELECT id FROM unit_locations) "
    "  AND e.status NOT IN ('planned', 'cancelled', 'entered-in-error') "
    "  AND (e.period_start IS NULL OR e.period_start < ?3) "
    "  AND (e.period_end IS NULL OR e.period_end >= ?2) "
    "ORDER BY e.period_start, e.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, loader->data->unit_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, loader->shift->start);
  sqlite3_bind_int64 (stmt, 3, loader->shift->end);
  while ((rc = mar_store_step (loader->store, stmt, error)) == SQLITE_ROW)
    {
      const char *id = column_get (stmt, 0);
      MarShiftPatient *patient = g_hash_table_lookup (loader->patients, id);

      if (patient == NULL)
        {
          patient = g_new0 (MarShiftPatient, 1);
          patient->patient_id = g_strdup (id);
          g_ptr_array_add (loader->data->patients, patient);
          g_hash_table_insert (loader->patients, patient->patient_id, patient);
        }
      g_free (patient->name);
      g_free (patient->mrn);
      g_free (patient->bed);
      patient->name = patient_display_name (id, column_get (stmt, 1), column_get (stmt, 2));
      patient->mrn = mar_store_column_dup (stmt, 3);
      patient->bed = mar_store_column_dup (stmt, 4);
    }
  return rc >= 0;
}

static void
set_patient (MarShiftLogEvent      *event,
             const MarShiftPatient *patient)
{
  event->patient_id = g_strdup (patient->patient_id);
  event->patient_name = g_strdup (patient->name);
  event->mrn = g_strdup (patient->mrn);
  event->bed = g_strdup (patient->bed);
}

/* The record's entries ------------------------------------------------------ */

static const char *
term_label (MarVocabulary  vocabulary,
            const char    *code)
{
  const MarTerm *term;

  if (code == NULL)
    return NULL;
  term = mar_vocabulary_lookup (vocabulary, code);
  return term != NULL ? mar_term_get_label (term) : code;
}

/* Members of the payload json_extract gave, in the order of the query. */
enum
{
  P_RATE, P_PREVIOUS_RATE, P_VOLUME, P_CONFIRMED, P_REASON, P_COMMENT, P_KIND, P_SEVERITY,
  P_CATEGORY, P_FINDINGS, P_ACTIONS, P_OUTCOME, P_RESTART, P_PRN_REASON, P_CORRECTED_KIND,
  P_PREVIOUS_BAG, P_KEEP_RUNNING, P_PUMP_VOLUME, N_P
};

typedef struct
{
  JsonArray *array;
} Members;

static JsonNode *
member (const Members *m,
        guint          i)
{
  if (m->array == NULL || i >= json_array_get_length (m->array))
    return NULL;
  return json_array_get_element (m->array, i);
}

static const char *
member_string (const Members *m,
               guint          i)
{
  JsonNode *node = member (m, i);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gboolean
member_number (const Members *m,
               guint          i,
               double        *value)
{
  JsonNode *node = member (m, i);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean
member_true (const Members *m,
             guint          i)
{
  JsonNode *node = member (m, i);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) != 0;
}

/* A JSON array of codes, as labels of @vocabulary: "slowed, provider notified". */
static char *
member_labels (const Members *m,
               guint          i,
               MarVocabulary  vocabulary)
{
  JsonNode *node = member (m, i);
  GString *out = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_string_free (out, FALSE);
  array = json_node_get_array (node);
  for (guint j = 0; j < json_array_get_length (array); j++)
    {
      const char *code = json_array_get_string_element (array, j);

      if (code == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, term_label (vocabulary, code));
    }
  return g_string_free (out, FALSE);
}

static void
add_reason (MarShiftLogEvent *event,
            MarVocabulary     vocabulary,
            const Members    *m)
{
  const char *reason = member_string (m, P_REASON);
  const char *comment = member_string (m, P_COMMENT);

  if (reason != NULL && comment != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s — %s", term_label (vocabulary, reason), comment);
      mar_shift_log_event_add_detail (event, text);
    }
  else if (reason != NULL)
    mar_shift_log_event_add_detail (event, term_label (vocabulary, reason));
  else
    mar_shift_log_event_add_detail (event, comment);
}

static void
describe_entry (MarShiftLogEvent *event,
                gint64            corrects_seq,
                const Members    *m)
{
  const char *kind = event->action;
  double value;

  if (g_str_equal (kind, "infusion-started"))
    {
      if (member_number (m, P_RATE, &value))
        event->rate_ml_h = value;
      if (member_number (m, P_PREVIOUS_BAG, &value) && value > 0)
        {
          g_autofree char *text = g_strdup_printf (_("New bag after bag %.0f"), value);
          mar_shift_log_event_add_detail (event, text);
        }
      if (member_string (m, P_PRN_REASON) != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("PRN: %s"), member_string (m, P_PRN_REASON));
          mar_shift_log_event_add_detail (event, text);
        }
    }
  else if (g_str_equal (kind, "rate-changed"))
    {
      if (member_number (m, P_RATE, &value))
        event->rate_ml_h = value;
      if (member_number (m, P_PREVIOUS_RATE, &value))
        {
          g_autofree char *text = g_strdup_printf (_("was %g mL/h"), value);
          mar_shift_log_event_add_detail (event, text);
        }
      add_reason (event, MAR_VOCABULARY_RATE_CHANGE, m);
    }
  else if (g_str_equal (kind, "paused"))
    add_reason (event, MAR_VOCABULARY_PAUSE, m);
  else if (g_str_equal (kind, "resumed"))
    {
      if (member_number (m, P_RATE, &value))
        event->rate_ml_h = value;
      if (member_true (m, P_RESTART))
        event->action_label = g_strdup (_("Restarted"));
    }
  else if (g_str_equal (kind, "bolus-given"))
    {
      if (member_number (m, P_VOLUME, &value))
        event->volume_ml = value;
    }
  else if (g_str_equal (kind, "stopped") || g_str_equal (kind, "completed"))
    {
      if (member_number (m, P_CONFIRMED, &value))
        event->volume_ml = value;
      mar_shift_log_event_add_detail (event, member_true (m, P_PUMP_VOLUME)
                                             ? _("volume from the pump") : _("estimated volume confirmed"));
      if (g_str_equal (kind, "stopped"))
        add_reason (event, MAR_VOCABULARY_STOP, m);
      else
        mar_shift_log_event_add_detail (event, member_string (m, P_COMMENT));
    }
  else if (g_str_equal (kind, "held") || g_str_equal (kind, "refused") ||
           g_str_equal (kind, "missing") || g_str_equal (kind, "not-given"))
    {
      MarVocabulary vocabulary = g_str_equal (kind, "held") ? MAR_VOCABULARY_HOLD
                               : g_str_equal (kind, "refused") ? MAR_VOCABULARY_REFUSE
                               : g_str_equal (kind, "missing") ? MAR_VOCABULARY_MISSING
                               : MAR_VOCABULARY_NOT_GIVEN;

      event->flags |= MAR_SHIFT_FLAG_NOT_GIVEN;
      add_reason (event, vocabulary, m);
    }
  else if (g_str_equal (kind, "reaction"))
    {
      gboolean site = g_strcmp0 (member_string (m, P_CATEGORY), "site") == 0;
      const char *severity = term_label (MAR_VOCABULARY_SEVERITY, member_string (m, P_SEVERITY));
      g_autofree char *actions = member_labels (m, P_ACTIONS, MAR_VOCABULARY_REACTION_ACTION);
      g_autofree char *what = g_strdup_printf ("%s, %s",
                                               term_label (site ? MAR_VOCABULARY_SITE_FINDING
                                                                : MAR_VOCABULARY_REACTION_KIND,
                                                           member_string (m, P_KIND)),
                                               severity != NULL ? severity : "?");

      event->flags |= MAR_SHIFT_FLAG_REACTION;
      if (site)
        event->action_label = g_strdup (_("Site complication"));
      mar_shift_log_event_add_detail (event, what);
      if (*actions != '\0')
        mar_shift_log_event_add_detail (event, actions);
      if (member_string (m, P_OUTCOME) != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("outcome: %s"),
                                                   term_label (MAR_VOCABULARY_REACTION_OUTCOME,
                                                               member_string (m, P_OUTCOME)));
          mar_shift_log_event_add_detail (event, text);
        }
      if (member_string (m, P_KEEP_RUNNING) != NULL)
        {
          g_autofree char *text = g_strdup_printf (_("kept running: %s"),
                                                   term_label (MAR_VOCABULARY_KEEP_RUNNING,
                                                               member_string (m, P_KEEP_RUNNING)));
          mar_shift_log_event_add_detail (event, text);
        }
      mar_shift_log_event_add_detail (event, member_string (m, P_COMMENT));
    }
  else if (g_str_equal (kind, "site-check"))
    {
      g_autofree char *findings = member_labels (m, P_FINDINGS, MAR_VOCABULARY_SITE_FINDING);

      if (*findings != '\0')
        {
          const char *severity = term_label (MAR_VOCABULARY_SEVERITY, member_string (m, P_SEVERITY));
          g_autofree char *text = severity != NULL ? g_strdup_printf ("%s, %s", findings, severity)
                                                   : g_strdup (findings);

          event->flags |= MAR_SHIFT_FLAG_REACTION;
          mar_shift_log_event_add_detail (event, text);
        }
      else
        mar_shift_log_event_add_detail (event, _("no complication"));
      mar_shift_log_event_add_detail (event, member_string (m, P_COMMENT));
    }
  else if (g_str_equal (kind, "correction"))
    {
      const char *corrected = member_string (m, P_CORRECTED_KIND);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, corrects_seq);
      g_autofree char *text = g_strdup_printf (_("entry %s (%s) entered in error"), number,
                                               corrected != NULL ? mar_shift_log_action_label (corrected)
                                                                 : "?");

      mar_shift_log_event_add_detail (event, text);
      add_reason (event, MAR_VOCABULARY_CORRECTION, m);
    }
}

static gboolean
read_entries (Loader  *loader,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT e.seq, e.kind, e.at, e.recorded_at, e.performer_id, e.witness_id, e.patient_id, "
    "  e.infusion_id, e.corrects_seq, i.medication, "
    "  json_extract (e.payload, '$.rate_ml_h', '$.previous_rate_ml_h', '$.volume_ml', '$.confirmed_ml', "
    "    '$.reason', '$.comment', '$.kind', '$.severity', '$.category', '$.findings', '$.actions', "
    "    '$.outcome', '$.restart', '$.prn_reason', '$.corrected_kind', '$.bag.previous', "
    "    '$.keep_running_reason', '$.pump_volume'), "
    "  (SELECT c.seq FROM record_entries c WHERE c.corrects_seq = e.seq), "
    "  EXISTS (SELECT 1 FROM record_entry_outbox l JOIN outbox o ON o.seq = l.outbox_seq "
    "          WHERE l.entry_seq = e.seq AND o.state <> 'sent') "
    "FROM record_entries e LEFT JOIN infusions i ON i.id = e.infusion_id "
    "WHERE e.at >= ?1 AND e.at < ?2 AND e.patient_id IS NOT NULL "
    "  AND e.kind NOT IN ('review-note', 'shift-signed-off') "
    "ORDER BY e.at, e.seq", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, loader->shift->start);
  sqlite3_bind_int64 (stmt, 2, loader->shift->end);
  while ((rc = mar_store_step (loader->store, stmt, error)) == SQLITE_ROW)
    {
      const MarShiftPatient *patient = g_hash_table_lookup (loader->patients, column_get (stmt, 6));
      MarShiftLogEvent *event;
      Members members = { NULL };
      const char *json = column_get (stmt, 10);

      if (patient == NULL)
        continue;  /* another unit's patient */

      event = mar_shift_log_event_new (MAR_SHIFT_EVENT_RECORD);
      event->entry_seq = sqlite3_column_int64 (stmt, 0);
      event->key = g_strdup_printf ("entry:%" G_GINT64_FORMAT, event->entry_seq);
      event->action = mar_store_column_dup (stmt, 1);
      event->time = sqlite3_column_int64 (stmt, 2);
      event->recorded_at = sqlite3_column_int64 (stmt, 3);
      event->nurse_id = mar_store_column_dup (stmt, 4);
      event->witness_id = mar_store_column_dup (stmt, 5);
      set_patient (event, patient);
      event->infusion_id = sqlite3_column_int64 (stmt, 7);
      event->medication = mar_store_column_dup (stmt, 9);
      event->corrected_by = sqlite3_column_int64 (stmt, 11);
      event->source = g_strdup ("local");
      if (event->corrected_by != 0)
        event->flags |= MAR_SHIFT_FLAG_ENTERED_IN_ERROR;
      if (sqlite3_column_int (stmt, 12) != 0)
        event->flags |= MAR_SHIFT_FLAG_UNSYNCED;
      if (json != NULL && json_parser_load_from_data (parser, json, -1, NULL) &&
          JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
        members.array = json_node_get_array (json_parser_get_root (parser));
      describe_entry (event, sqlite3_column_int64 (stmt, 8), &members);
      if (event->corrected_by != 0)
        {
          g_autofree char *by = g_strdup_printf ("%" G_GINT64_FORMAT, event->corrected_by);
          g_autofree char *text = g_strdup_printf (_("entered in error (correction: entry %s)"), by);

          mar_shift_log_event_add_detail (event, text);
        }

      g_ptr_array_add (loader->data->events, event);
      g_hash_table_insert (loader->entries, &event->entry_seq, event);
    }
  return rc >= 0;
}

/* "50 min", "3 h 05 min", "12 days": how late documentation came. */
static char *
duration_text (gint64 minutes)
{
  g_autofree char *number = NULL;

  if (minutes < 120)
    {
      number = g_strdup_printf ("%" G_GINT64_FORMAT, minutes);
      return g_strdup_printf (_("%s min"), number);
    }
  if (minutes < 48 * 60)
    {
      g_autofree char *hours = g_strdup_printf ("%" G_GINT64_FORMAT, minutes / 60);
      g_autofree char *rest = g_strdup_printf ("%02" G_GINT64_FORMAT, minutes % 60);

      return g_strdup_printf (_("%s h %s min"), hours, rest);
    }
  number = g_strdup_printf ("%" G_GINT64_FORMAT, minutes / (24 * 60));
  return g_strdup_printf (_("%s days"), number);
}

/* The variance log: what the record wrote with each entry (RULES.md, The
 * record: overrides, early/late minutes, keyed entries, unable to scan,
 * late documentation). */
static gboolean
read_variances (Loader  *loader,
                GError **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT entry_seq, kind, code, reason, comment, minutes, at FROM variances "
    "WHERE at >= ?1 AND at < ?2 ORDER BY at, entry_seq, id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, loader->shift->start);
  sqlite3_bind_int64 (stmt, 2, loader->shift->end);
  while ((rc = mar_store_step (loader->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      MarShiftLogEvent *event = g_hash_table_lookup (loader->entries, &seq);
      MarShiftVariance *variance;
      g_autofree char *text = NULL;
      const char *kind = column_get (stmt, 1);
      const char *code = column_get (stmt, 2);
      const char *reason = column_get (stmt, 3);
      const char *comment = column_get (stmt, 4);
      gint64 minutes = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 5);
      g_autofree char *minutes_text = g_strdup_printf ("%" G_GINT64_FORMAT, minutes);

      if (event == NULL)
        continue;  /* another unit's entry */

      variance = g_new0 (MarShiftVariance, 1);
      variance->entry_seq = seq;
      variance->kind = g_strdup (kind);
      variance->code = g_strdup (code);
      variance->reason = g_strdup (reason);
      variance->comment = g_strdup (comment);
      variance->minutes = minutes;
      variance->at = sqlite3_column_int64 (stmt, 6);
      variance->event = event;
      g_ptr_array_add (loader->data->variances, variance);

      if (g_strcmp0 (kind, "override") == 0)
        {
          const MarTerm *term = mar_vocabulary_lookup_override (code, reason);

          event->flags |= MAR_SHIFT_FLAG_OVERRIDE;
          /* TRANSLATORS: an overridden warning: code, reason */
          text = g_strdup_printf (_("override %s: %s"), code,
                                  term != NULL ? mar_term_get_label (term) : reason);
          if (comment != NULL)
            {
              char *with_comment = g_strdup_printf ("%s — %s", text, comment);
              g_free (text);
              text = with_comment;
            }
        }
      else if (g_strcmp0 (kind, "late") == 0)
        {
          event->flags |= MAR_SHIFT_FLAG_LATE;
          event->late_minutes = minutes;
          text = g_strdup_printf (_("%s min late"), minutes_text);
        }
      else if (g_strcmp0 (kind, "early") == 0)
        {
          event->flags |= MAR_SHIFT_FLAG_EARLY;
          event->early_minutes = minutes;
          text = g_strdup_printf (_("%s min early"), minutes_text);
        }
      else if (g_strcmp0 (kind, "keyed") == 0)
        {
          event->flags |= MAR_SHIFT_FLAG_KEYED;
          text = g_strdup (g_strcmp0 (code, "patient") == 0 ? _("wristband keyed by hand")
                                                            : _("bag keyed by hand"));
        }
      else if (g_strcmp0 (kind, "unable-to-scan") == 0)
        {
          event->flags |= MAR_SHIFT_FLAG_UNABLE_TO_SCAN;
          text = g_strdup_printf (g_strcmp0 (code, "patient") == 0 ? _("unable to scan wristband: %s")
                                                                   : _("unable to scan bag: %s"),
                                  term_label (MAR_VOCABULARY_UNABLE_TO_SCAN, reason));
        }
      else if (g_strcmp0 (kind, "late-entry") == 0)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (event->recorded_at);
          g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, loader->time_zone);
          gboolean same_day = event->recorded_at - event->time < 12 * 3600;
          g_autofree char *when = g_date_time_format (local, same_day ? "%H:%M" : "%Y-%m-%d %H:%M");
          g_autofree char *after = duration_text (minutes);

          event->flags |= MAR_SHIFT_FLAG_LATE_ENTRY;
          /* TRANSLATORS: late documentation: how long after, when */
          text = g_strdup_printf (_("documented %s after the fact, at %s"), after, when);
        }
      mar_shift_log_event_add_detail (event, text);
    }
  return rc >= 0;
}

static gboolean
read_notes (Loader  *loader,
            GError **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT entry_seq, event_key, staff_id, at, text FROM shift_review_notes "
    "WHERE event_time >= ?1 AND event_time < ?2 ORDER BY entry_seq", error);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  int rc;

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < loader->data->events->len; i++)
    {
      MarShiftLogEvent *event = g_ptr_array_index (loader->data->events, i);
      g_hash_table_insert (by_key, event->key, event);
    }
  sqlite3_bind_int64 (stmt, 1, loader->shift->start);
  sqlite3_bind_int64 (stmt, 2, loader->shift->end);
  while ((rc = mar_store_step (loader->store, stmt, error)) == SQLITE_ROW)
    {
      MarShiftLogEvent *event = g_hash_table_lookup (by_key, column_get (stmt, 1));
      MarShiftNote *note;

      if (event == NULL)
        continue;
      note = g_new0 (MarShiftNote, 1);
      note->entry_seq = sqlite3_column_int64 (stmt, 0);
      note->staff_id = mar_store_column_dup (stmt, 2);
      note->staff_name = g_strdup (staff_name (loader, note->staff_id));
      note->at = sqlite3_column_int64 (stmt, 3);
      note->text = mar_store_column_dup (stmt, 4);
      g_ptr_array_add (event->notes, note);
    }
  return rc >= 0;
}

/* Administrations charted elsewhere ------------------------------------------ */

#define TERMINAL_SOURCE_PREFIX "urn:bedside-mar:terminal:"

static MarShiftLogEvent *
pulled_event (Loader                *loader,
              const MarShiftPatient *patient,
              MarStmt               *stmt,
              gboolean               at_end)
{
  MarShiftLogEvent *event = mar_shift_log_event_new (MAR_SHIFT_EVENT_PULLED);
  const char *id = column_get (stmt, 0);
  const char *source = column_get (stmt, 1);
  const char *status = column_get (stmt, 3);
  const char *shown = source;
  g_autofree char *charted = NULL;

  event->key = g_strdup_printf ("administration:%s:%s", id, at_end ? "end" : "start");
  event->source = g_strdup (source != NULL ? source : "");
  event->order_id = mar_store_column_dup (stmt, 2);
  event->time = sqlite3_column_int64 (stmt, at_end ? 5 : 4);
  event->due_time = column_time (stmt, 6);
  event->nurse_id = mar_store_column_dup (stmt, 12);
  event->nurse_name = g_strdup (staff_name (loader, event->nurse_id));
  /* When it was charted: the server's meta.lastUpdated, else its arrival. */
  event->recorded_at = sqlite3_column_int64 (stmt, 13);
  event->medication = mar_store_column_dup (stmt, 15);
  set_patient (event, patient);
  event->flags |= MAR_SHIFT_FLAG_PULLED;
  if (sqlite3_column_int (stmt, 14) != 0 || g_strcmp0 (status, "entered-in-error") == 0)
    event->flags |= MAR_SHIFT_FLAG_ENTERED_IN_ERROR;

  if (g_strcmp0 (status, "not-done") == 0)
    {
      event->action = g_strdup ("not-given");
      event->flags |= MAR_SHIFT_FLAG_NOT_GIVEN;
    }
  else if (at_end)
    event->action = g_strdup (g_strcmp0 (status, "stopped") == 0 ? "stopped" : "completed");
  else
    event->action = g_strdup ("infusion-started");

  if (!at_end && g_strcmp0 (column_get (stmt, 11), "mL/h") == 0 && sqlite3_column_type (stmt, 10) != SQLITE_NULL)
    event->rate_ml_h = sqlite3_column_double (stmt, 10);
  if ((at_end || sqlite3_column_type (stmt, 5) == SQLITE_NULL) &&
      g_strcmp0 (column_get (stmt, 9), "mL") == 0 && sqlite3_column_type (stmt, 8) != SQLITE_NULL)
    event->volume_ml = sqlite3_column_double (stmt, 8);

  if (shown != NULL && g_str_has_prefix (shown, TERMINAL_SOURCE_PREFIX))
    shown += strlen (TERMINAL_SOURCE_PREFIX);
  /* TRANSLATORS: where a pulled administration was charted: a terminal or a system */
  charted = g_strdup_printf (_("charted on %s"), shown != NULL && *shown != '\0' ? shown : _("another system"));
  mar_shift_log_event_add_detail (event, charted);
  return event;
}

/* IV intake charted elsewhere, for intake/output: a completed or stopped
 * administration's volume spread evenly over its period, a running one's
 * rate over the time it ran in the shift. An estimate, as our own bags'
 * volumes are before the pump's figure is confirmed. */
static double
pulled_intake (Loader  *loader,
               MarStmt *stmt)
{
  const char *status = column_get (stmt, 3);
  gint64 start = sqlite3_column_int64 (stmt, 4);
  gint64 end = column_time (stmt, 5);
  gint64 from = loader->shift->start;
  gint64 to = MIN (loader->shift->end, loader->as_of);

  if (sqlite3_column_int (stmt, 14) != 0)
    return 0;
  if ((g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "stopped") == 0) &&
      g_strcmp0 (column_get (stmt, 9), "mL") == 0 && sqlite3_column_type (stmt, 8) != SQLITE_NULL)
    {
      double volume = sqlite3_column_double (stmt, 8);

      if (end == MAR_TIME_UNSET || end <= start)
        return start >= from && start < to ? volume : 0;
      return volume * (double) MAX (0, MIN (end, to) - MAX (start, from)) / (double) (end - start);
    }
  if (g_strcmp0 (status, "in-progress") == 0 && g_strcmp0 (column_get (stmt, 11), "mL/h") == 0 &&
      sqlite3_column_type (stmt, 10) != SQLITE_NULL)
    return sqlite3_column_double (stmt, 10) * (double) MAX (0, to - MAX (start, from)) / 3600.0;
  return 0;
}

static gboolean
read_pulled (Loader          *loader,
             MarShiftPatient *patient,
             GError         **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT a.id, a.source, a.order_id, a.status, a.start_time, a.end_time, a.due_time, a.product_id, "
    "  a.dose_value, a.dose_unit, a.rate_value, a.rate_unit, a.performer_id, "
    "  COALESCE (a.last_updated, a.stored_at), a.removed, "
    "  COALESCE (p.name, o.medication_display, a.product_id) "
    "FROM administrations a LEFT JOIN products p ON p.id = a.product_id "
    "LEFT JOIN orders o ON o.id = a.order_id "
    "WHERE a.patient_id = ?1 AND a.source IS NOT 'local' AND a.start_time < ?3 "
    "  AND (a.start_time >= ?2 OR a.end_time >= ?2 OR (a.end_time IS NULL AND a.status = 'in-progress')) "
    "ORDER BY a.start_time, a.id", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient->patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, loader->shift->start);
  sqlite3_bind_int64 (stmt, 3, loader->shift->end);
  while ((rc = mar_store_step (loader->store, stmt, error)) == SQLITE_ROW)
    {
      gint64 start = sqlite3_column_int64 (stmt, 4);
      gint64 end = column_time (stmt, 5);
      const char *status = column_get (stmt, 3);

      patient->iv_intake_elsewhere_ml += pulled_intake (loader, stmt);
      if (start >= loader->shift->start && start < loader->shift->end)
        g_ptr_array_add (loader->data->events, pulled_event (loader, patient, stmt, FALSE));
      /* A bag completed or stopped elsewhere in this shift: its end too. */
      if (end != MAR_TIME_UNSET && end != start && end >= loader->shift->start && end < loader->shift->end &&
          (g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "stopped") == 0))
        g_ptr_array_add (loader->data->events, pulled_event (loader, patient, stmt, TRUE));
    }
  return rc >= 0;
}

/* Missed doses ----------------------------------------------------------------- */

static gboolean
order_counts (const MarOrder *order)
{
  /* RULES.md, Orders: only intent order / original-order / instance-order
   * counts. Due times are those of the orders active now (the cache does
   * not know when a stopped order stopped). */
  return !order->removed && order->status == MAR_ORDER_STATUS_ACTIVE && !order->as_needed &&
         !mar_order_is_continuous (order) && order->intent != NULL &&
         (g_str_equal (order->intent, "order") || g_str_equal (order->intent, "original-order") ||
          g_str_equal (order->intent, "instance-order"));
}

/* A due time documented as held, refused, missing or not given is an
 * omission with a reason (it is in the log as such), not a missed dose. */
static gboolean
documented_not_given (const MarSchedule *schedule,
                      GPtrArray         *administrations,
                      gint64             due)
{
  for (guint i = 0; i < administrations->len; i++)
    {
      const MarAdministration *a = g_ptr_array_index (administrations, i);

      if (!a->removed && g_strcmp0 (a->status, "not-done") == 0 &&
          g_strcmp0 (a->order_id, schedule->order->id) == 0 &&
          mar_schedule_charted_due (schedule, a) == due)
        return TRUE;
    }
  return FALSE;
}

static const char *
order_medication (const MarOrder *order,
                  GPtrArray      *products)
{
  if (order->medication_display != NULL)
    return order->medication_display;
  for (guint i = 0; products != NULL && i < products->len; i++)
    {
      const MarProduct *p = g_ptr_array_index (products, i);

      if (g_strcmp0 (p->id, order->medication_product_id) == 0 && p->name != NULL)
        return p->name;
    }
  return order->text != NULL ? order->text : order->id;
}

static gboolean
read_missed (Loader                *loader,
             const MarShiftPatient *patient,
             GError               **error)
{
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(GPtrArray) administrations = NULL;
  gboolean any = FALSE;

  orders = mar_store_list_orders (loader->store, patient->patient_id, error);
  if (orders == NULL)
    return FALSE;
  for (guint i = 0; i < orders->len && !any; i++)
    any = order_counts (g_ptr_array_index (orders, i));
  if (!any)
    return TRUE;
  products = mar_store_list_order_products (loader->store, patient->patient_id, error);
  if (products == NULL)
    return FALSE;
  /* Doses charted up to a day before the shift may chart its first due
   * times (the widest window is ±2 h). */
  administrations = mar_store_list_administrations (loader->store, patient->patient_id,
                                                    loader->shift->start - 24 * 3600, error);
  if (administrations == NULL)
    return FALSE;

  for (guint i = 0; i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);
      MarSchedule schedule;
      MarDueWindow window;
      g_autoptr(GArray) missed = NULL;

      if (!order_counts (order))
        continue;
      mar_verify_get_due_window (order, products, loader->library, loader->time_zone, &schedule, &window);
      if (schedule.kind == MAR_SCHEDULE_NONE || schedule.kind == MAR_SCHEDULE_UNREADABLE)
        continue;
      /* mar_schedule_list_missed takes a closed range; shifts are half-open. */
      missed = mar_schedule_list_missed (&schedule, &window, administrations, loader->shift->start,
                                         loader->shift->end - 1, loader->now);
      for (guint j = 0; j < missed->len; j++)
        {
          gint64 due = g_array_index (missed, gint64, j);
          MarShiftLogEvent *event;
          g_autofree char *text = NULL;
          g_autofree char *minutes = g_strdup_printf ("%d", window.minutes);

          if (documented_not_given (&schedule, administrations, due))
            continue;
          event = mar_shift_log_event_new (MAR_SHIFT_EVENT_MISSED);
          event->key = g_strdup_printf ("missed:%s:%" G_GINT64_FORMAT, order->id, due);
          event->action = g_strdup ("missed");
          event->time = due;
          event->recorded_at = due + window.late;
          event->due_time = due;
          event->window_closed = due + window.late;
          event->order_id = g_strdup (order->id);
          event->medication = g_strdup (order_medication (order, products));
          event->source = g_strdup ("schedule");
          event->flags |= MAR_SHIFT_FLAG_MISSED;
          set_patient (event, patient);
          text = window.never_early
                 ? g_strdup_printf (_("not charted; late after %s min"), minutes)
                 : g_strdup_printf (_("not charted within ±%s min"), minutes);
          mar_shift_log_event_add_detail (event, text);
          if (order->text != NULL)
            mar_shift_log_event_add_detail (event, order->text);
          g_ptr_array_add (loader->data->events, event);
        }
    }
  return TRUE;
}

/* Bags ------------------------------------------------------------------------ */

static MarInfusionState
state_of_kind (const char       *kind,
               MarInfusionState  fallback)
{
  static const struct { const char *kind; MarInfusionState state; } map[] = {
    { "bag-prepared", MAR_INFUSION_AVAILABLE },
    { "infusion-started", MAR_INFUSION_INFUSING },
    { "rate-changed", MAR_INFUSION_INFUSING },
    { "resumed", MAR_INFUSION_INFUSING },
    { "bolus-given", MAR_INFUSION_INFUSING },
    { "paused", MAR_INFUSION_PAUSED },
    { "stopped", MAR_INFUSION_STOPPED },
    { "completed", MAR_INFUSION_COMPLETED },
    { "held", MAR_INFUSION_HELD },
    { "refused", MAR_INFUSION_REFUSED },
    { "missing", MAR_INFUSION_MISSING },
    { "not-given", MAR_INFUSION_NOT_GIVEN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (map[i].kind, kind) == 0)
      return map[i].state;
  return fallback;
}

/* The bag's state as the shift ended: its last state entry before then
 * that stands (corrected entries do not count). */
static gboolean
state_at (Loader       *loader,
          MarShiftBag  *bag,
          GError      **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT e.kind FROM record_entries e "
    "WHERE e.infusion_id = ?1 AND e.at < ?2 "
    "  AND e.kind IN ('bag-prepared', 'infusion-started', 'rate-changed', 'resumed', 'bolus-given', "
    "                 'paused', 'stopped', 'completed', 'held', 'refused', 'missing', 'not-given') "
    "  AND NOT EXISTS (SELECT 1 FROM record_entries c WHERE c.corrects_seq = e.seq) "
    "ORDER BY e.at DESC, e.seq DESC LIMIT 1", error);
  const MarInfusion *infusion = bag->infusion;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, infusion->id);
  sqlite3_bind_int64 (stmt, 2, loader->as_of);
  rc = mar_store_step (loader->store, stmt, error);
  if (rc < 0)
    return FALSE;
  bag->state_at_end = infusion->state == MAR_INFUSION_ENTERED_IN_ERROR || rc != SQLITE_ROW
                      ? infusion->state
                      : state_of_kind (column_get (stmt, 0), infusion->state);
  if (bag->state_at_end == MAR_INFUSION_INFUSING)
    for (guint i = 0; i < infusion->segments->len; i++)
      {
        const MarInfusionSegment *s = &g_array_index (infusion->segments, MarInfusionSegment, i);

        if (s->start < loader->as_of && (s->end == MAR_TIME_UNSET || s->end >= loader->as_of))
          bag->rate_at_end_ml_h = s->rate_ml_per_h;
      }
  return TRUE;
}

static gboolean
read_bags (Loader          *loader,
           MarShiftPatient *patient,
           GError         **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT " MAR_RECORD_INFUSION_COLUMNS " FROM infusions "
    "WHERE patient_id = ?1 "
    "  AND ((started_at IS NOT NULL AND started_at < ?3 AND (ended_at IS NULL OR ended_at >= ?2)) "
    "    OR (started_at IS NULL AND last_at >= ?2 AND last_at < ?3)) "
    "ORDER BY COALESCE (started_at, last_at), id", error);
  g_autoptr(GPtrArray) infusions = NULL;
  /* What has happened: a shift under way ends, for its volumes, now. */
  gint64 to = MIN (loader->shift->end, loader->as_of);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient->patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, loader->shift->start);
  sqlite3_bind_int64 (stmt, 3, loader->shift->end);
  infusions = mar_record_read_infusions (loader->store, stmt, error);
  if (infusions == NULL)
    return FALSE;
  for (guint i = 0; i < infusions->len; i++)
    {
      MarShiftBag *bag = g_new0 (MarShiftBag, 1);

      bag->infusion = g_ptr_array_steal_index (infusions, i--);
      bag->bed = g_strdup (patient->bed);
      bag->patient_name = g_strdup (patient->name);
      g_ptr_array_add (loader->data->bags, bag);
      if (!state_at (loader, bag, error))
        return FALSE;
      if (bag->infusion->started_at != MAR_TIME_UNSET &&
          bag->infusion->state != MAR_INFUSION_ENTERED_IN_ERROR)
        {
          /* RULES.md, The record: rate × time over the infusing segments,
           * boluses, confirmations, the cap; a period is half-open. */
          bag->volume_in_shift_ml = mar_infusion_get_volume_between (bag->infusion, loader->shift->start, to);
          bag->volume_by_end_ml = mar_infusion_get_volume_between (bag->infusion, bag->infusion->started_at, to);
          patient->iv_intake_ml += bag->volume_in_shift_ml;
        }
      patient->bags++;
    }
  return TRUE;
}

/* Sign-off --------------------------------------------------------------------- */

static gboolean
read_sign_off (Loader  *loader,
               GError **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT entry_seq, staff_id, signed_at, last_entry_seq, events, digest FROM shift_signoffs "
    "WHERE unit_id = ?1 AND start_time = ?2 AND end_time = ?3 ORDER BY entry_seq DESC LIMIT 1", error);
  MarShiftSignOff *sign_off;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, loader->data->unit_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, loader->shift->start);
  sqlite3_bind_int64 (stmt, 3, loader->shift->end);
  rc = mar_store_step (loader->store, stmt, error);
  if (rc != SQLITE_ROW)
    return rc >= 0;
  sign_off = g_new0 (MarShiftSignOff, 1);
  sign_off->entry_seq = sqlite3_column_int64 (stmt, 0);
  sign_off->staff_id = mar_store_column_dup (stmt, 1);
  sign_off->signed_at = sqlite3_column_int64 (stmt, 2);
  sign_off->last_entry_seq = sqlite3_column_int64 (stmt, 3);
  sign_off->events = sqlite3_column_int (stmt, 4);
  sign_off->digest = mar_store_column_dup (stmt, 5);
  sign_off->staff_name = g_strdup (staff_name (loader, sign_off->staff_id));
  loader->data->sign_off = sign_off;
  return TRUE;
}

/* What came after the charge nurse signed: an entry written (or corrected)
 * later, an administration that arrived later, a dose that became missed
 * later. */
static void
flag_after_sign_off (Loader *loader)
{
  const MarShiftSignOff *sign_off = loader->data->sign_off;

  if (sign_off == NULL)
    return;
  for (guint i = 0; i < loader->data->events->len; i++)
    {
      MarShiftLogEvent *event = g_ptr_array_index (loader->data->events, i);
      gboolean after = FALSE;

      switch (event->kind)
        {
        case MAR_SHIFT_EVENT_RECORD:
          after = event->entry_seq > sign_off->last_entry_seq || event->corrected_by > sign_off->last_entry_seq;
          break;
        case MAR_SHIFT_EVENT_PULLED:
          after = event->recorded_at > sign_off->signed_at;
          break;
        case MAR_SHIFT_EVENT_MISSED:
          after = event->window_closed > sign_off->signed_at;
          break;
        default:
          break;
        }
      if (after)
        event->flags |= MAR_SHIFT_FLAG_AFTER_SIGN_OFF;
    }
}

static gboolean
read_head (Loader  *loader,
           GError **error)
{
  g_autoptr(MarStmt) stmt = mar_store_prepare (loader->store,
    "SELECT COALESCE (max (seq), 0) FROM record_entries", error);

  if (stmt == NULL || mar_store_step (loader->store, stmt, error) != SQLITE_ROW)
    return FALSE;
  loader->data->head_seq = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const MarShiftLogEvent *x = *(MarShiftLogEvent * const *) a;
  const MarShiftLogEvent *y = *(MarShiftLogEvent * const *) b;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  /* Same minute: the record's order, then charted elsewhere, then missed. */
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->entry_seq != y->entry_seq)
    return x->entry_seq < y->entry_seq ? -1 : 1;
  return g_strcmp0 (x->key, y->key);
}

static int
compare_patients (gconstpointer a,
                  gconstpointer b)
{
  const MarShiftPatient *x = *(MarShiftPatient * const *) a;
  const MarShiftPatient *y = *(MarShiftPatient * const *) b;
  int c = g_utf8_collate (x->bed != NULL ? x->bed : "", y->bed != NULL ? y->bed : "");

  return c != 0 ? c : g_strcmp0 (x->patient_id, y->patient_id);
}

static int
compare_bags (gconstpointer a,
              gconstpointer b)
{
  const MarShiftBag *x = *(MarShiftBag * const *) a;
  const MarShiftBag *y = *(MarShiftBag * const *) b;
  int c = g_utf8_collate (x->bed != NULL ? x->bed : "", y->bed != NULL ? y->bed : "");

  if (c != 0)
    return c;
  return x->infusion->id < y->infusion->id ? -1 : x->infusion->id > y->infusion->id;
}

gboolean
mar_shift_log_read (MarStore         *store,
                    MarDrugLibrary   *library,
                    GTimeZone        *time_zone,
                    const char       *unit,
                    const MarShift   *shift,
                    gint64            now,
                    MarShiftLogData  *data,
                    GError          **error)
{
  Loader loader = {
    .store = store, .library = library, .time_zone = time_zone, .shift = shift, .now = now,
    .as_of = MIN (shift->end, now + 1), .data = data,
  };
  gboolean ok = FALSE;
  gboolean with_zone = mar_shift_spans_offset_change (shift, time_zone);

  memset (data, 0, sizeof *data);
  data->events = g_ptr_array_new_with_free_func (g_object_unref);
  data->patients = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_shift_patient_free);
  data->bags = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_shift_bag_free);
  data->variances = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_shift_variance_free);
  loader.patients = g_hash_table_new (g_str_hash, g_str_equal);
  loader.staff = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  loader.entries = g_hash_table_new (g_int64_hash, g_int64_equal);

  /* One snapshot: a sync or an action committing meanwhile cannot give
   * half of a shift. */
  if (!mar_store_begin_read (store, error))
    goto out;
  if (!resolve_unit (&loader, unit, error) || !read_head (&loader, error) ||
      !read_patients (&loader, error) || !read_entries (&loader, error) ||
      !read_variances (&loader, error))
    goto rollback;
  for (guint i = 0; i < data->patients->len; i++)
    {
      MarShiftPatient *patient = g_ptr_array_index (data->patients, i);

      if (!read_pulled (&loader, patient, error) || !read_missed (&loader, patient, error) ||
          !read_bags (&loader, patient, error))
        goto rollback;
      patient->iv_intake_ml += patient->iv_intake_elsewhere_ml;
    }
  g_ptr_array_sort (data->events, compare_events);
  if (!read_notes (&loader, error) || !read_sign_off (&loader, error))
    goto rollback;
  flag_after_sign_off (&loader);
  for (guint i = 0; i < data->events->len; i++)
    {
      MarShiftLogEvent *event = g_ptr_array_index (data->events, i);
      MarShiftPatient *patient = g_hash_table_lookup (loader.patients, event->patient_id);

      if (event->nurse_name == NULL)
        event->nurse_name = g_strdup (staff_name (&loader, event->nurse_id));
      if (event->witness_name == NULL)
        event->witness_name = g_strdup (staff_name (&loader, event->witness_id));
      mar_shift_log_event_finish (event, time_zone, with_zone);
      patient->events++;
      patient->flags |= event->flags;
    }
  g_ptr_array_sort (data->patients, compare_patients);
  g_ptr_array_sort (data->bags, compare_bags);
  ok = TRUE;

rollback:
  mar_store_rollback (store);
out:
  g_hash_table_unref (loader.patients);
  g_hash_table_unref (loader.staff);
  g_hash_table_unref (loader.entries);
  if (!ok)
    mar_shift_log_data_clear (data);
  return ok;
}
