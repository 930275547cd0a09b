/* mar-shift-log.c — the shift log as a list model, its summary and totals
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-shift-log"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-shift-log-private.h"
#include "mar-time.h"

struct _MarShiftLog
{
  GObject          parent_instance;

  MarStore        *store;
  MarDrugLibrary  *library;
  GTimeZone       *time_zone;
  char            *unit_query;
  MarShift         shift;
  gint64           now;

  MarShiftLogData  data;
  GHashTable      *by_key;     /* key → MarShiftLogEvent (borrowed) */
  GPtrArray       *nurses;     /* (MarShiftNurse) */
  MarShiftSummary  summary;
  char            *digest;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_QUARK (mar-shift-log-error-quark, mar_shift_log_error)

G_DEFINE_FINAL_TYPE_WITH_CODE (MarShiftLog, mar_shift_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return MAR_TYPE_SHIFT_LOG_EVENT;
}

static guint
get_n_items (GListModel *model)
{
  MarShiftLog *self = MAR_SHIFT_LOG (model);

  return self->data.events != NULL ? self->data.events->len : 0;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  MarShiftLog *self = MAR_SHIFT_LOG (model);

  if (self->data.events == NULL || position >= self->data.events->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->data.events, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

void
mar_shift_nurse_free (MarShiftNurse *nurse)
{
  if (nurse == NULL)
    return;
  g_free (nurse->staff_id);
  g_free (nurse->name);
  g_free (nurse);
}

static void
clear_derived (MarShiftLog *self)
{
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->nurses, g_ptr_array_unref);
  g_clear_pointer (&self->digest, g_free);
  memset (&self->summary, 0, sizeof self->summary);
}

static void
mar_shift_log_finalize (GObject *object)
{
  MarShiftLog *self = MAR_SHIFT_LOG (object);

  clear_derived (self);
  mar_shift_log_data_clear (&self->data);
  mar_shift_clear (&self->shift);
  g_clear_object (&self->store);
  g_clear_pointer (&self->library, mar_drug_library_unref);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_free (self->unit_query);

  G_OBJECT_CLASS (mar_shift_log_parent_class)->finalize (object);
}

static void
mar_shift_log_class_init (MarShiftLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mar_shift_log_finalize;
}

static void
mar_shift_log_init (MarShiftLog *self)
{
}

/* Totals ---------------------------------------------------------------------- */

static gboolean
stands (const MarShiftLogEvent *event)
{
  return (event->flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR) == 0;
}

static gboolean
is_verification (const MarShiftLogEvent *event)
{
  /* A bag verified at the bedside: both scans (or what replaced them). */
  return event->kind == MAR_SHIFT_EVENT_RECORD &&
         (g_strcmp0 (event->action, "infusion-started") == 0 ||
          g_strcmp0 (event->action, "bag-prepared") == 0);
}

static int
compare_nurses (gconstpointer a,
                gconstpointer b)
{
  const MarShiftNurse *x = *(MarShiftNurse * const *) a;
  const MarShiftNurse *y = *(MarShiftNurse * const *) b;

  return g_utf8_collate (x->name != NULL ? x->name : "", y->name != NULL ? y->name : "");
}

static void
compute_derived (MarShiftLog *self)
{
  MarShiftSummary *s = &self->summary;
  g_autoptr(GHashTable) nurses = g_hash_table_new (g_str_hash, g_str_equal);

  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  self->nurses = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_shift_nurse_free);
  s->events = self->data.events->len;
  s->patients = self->data.patients->len;

  for (guint i = 0; i < self->data.events->len; i++)
    {
      MarShiftLogEvent *event = g_ptr_array_index (self->data.events, i);
      MarShiftFlags flags = event->flags;
      MarShiftNurse *nurse = NULL;

      g_hash_table_insert (self->by_key, event->key, event);
      if (event->nurse_id != NULL)
        {
          nurse = g_hash_table_lookup (nurses, event->nurse_id);
          if (nurse == NULL)
            {
              nurse = g_new0 (MarShiftNurse, 1);
              nurse->staff_id = g_strdup (event->nurse_id);
              nurse->name = g_strdup (event->nurse_name);
              g_ptr_array_add (self->nurses, nurse);
              g_hash_table_insert (nurses, nurse->staff_id, nurse);
            }
          nurse->events++;
        }

      if (flags & MAR_SHIFT_FLAG_UNSYNCED)
        s->unsynced++;
      if (flags & MAR_SHIFT_FLAG_PULLED)
        s->pulled++;
      if (flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR)
        s->entered_in_error++;
      if (flags & MAR_SHIFT_FLAG_AFTER_SIGN_OFF)
        s->after_sign_off++;
      if (flags & MAR_SHIFT_FLAG_MISSED)
        s->doses_missed++;
      if (!stands (event))
        continue;
      if (g_strcmp0 (event->action, "infusion-started") == 0)
        s->doses_given++;
      if (flags & MAR_SHIFT_FLAG_LATE)
        s->doses_late++;
      if (flags & MAR_SHIFT_FLAG_EARLY)
        s->doses_early++;
      if (flags & MAR_SHIFT_FLAG_NOT_GIVEN)
        s->doses_not_given++;
      if (flags & MAR_SHIFT_FLAG_REACTION)
        s->reactions++;
      if (flags & MAR_SHIFT_FLAG_LATE_ENTRY)
        s->late_entries++;
      if (flags & MAR_SHIFT_FLAG_KEYED)
        s->keyed++;
      if (is_verification (event))
        {
          s->verifications++;
          if (flags & MAR_SHIFT_FLAG_UNABLE_TO_SCAN)
            s->unable_to_scan++;
        }
      if (nurse != NULL)
        {
          if (is_verification (event))
            {
              nurse->verifications++;
              if (flags & MAR_SHIFT_FLAG_UNABLE_TO_SCAN)
                nurse->unable_to_scan++;
            }
          if (flags & MAR_SHIFT_FLAG_LATE)
            nurse->late++;
          if (flags & MAR_SHIFT_FLAG_LATE_ENTRY)
            nurse->late_entries++;
        }
    }
  for (guint i = 0; i < self->data.variances->len; i++)
    {
      const MarShiftVariance *v = g_ptr_array_index (self->data.variances, i);
      MarShiftNurse *nurse;

      if (!g_str_equal (v->kind, "override") || !stands (v->event))
        continue;
      s->overrides++;
      nurse = v->event->nurse_id != NULL ? g_hash_table_lookup (nurses, v->event->nurse_id) : NULL;
      if (nurse != NULL)
        nurse->overrides++;
    }
  s->unable_to_scan_rate = s->verifications > 0 ? (double) s->unable_to_scan / s->verifications : 0;
  for (guint i = 0; i < self->data.patients->len; i++)
    s->iv_intake_ml += ((MarShiftPatient *) g_ptr_array_index (self->data.patients, i))->iv_intake_ml;
  g_ptr_array_sort (self->nurses, compare_nurses);
  self->digest = mar_shift_log_compute_digest (self->data.events);
}

char *
mar_shift_log_compute_digest (GPtrArray *events)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* These change without anything being documented: sync, review, sign-off. */
  MarShiftFlags ignored = MAR_SHIFT_FLAG_UNSYNCED | MAR_SHIFT_FLAG_REVIEWED | MAR_SHIFT_FLAG_AFTER_SIGN_OFF;

  g_checksum_update (checksum, (const guchar *) "bedside-mar-shift-log/1\n", -1);
  for (guint i = 0; i < events->len; i++)
    {
      const MarShiftLogEvent *e = g_ptr_array_index (events, i);
      char rate[G_ASCII_DTOSTR_BUF_SIZE] = "", volume[G_ASCII_DTOSTR_BUF_SIZE] = "";
      g_autofree char *line = NULL;

      if (!isnan (e->rate_ml_h))
        g_ascii_dtostr (rate, sizeof rate, e->rate_ml_h);
      if (!isnan (e->volume_ml))
        g_ascii_dtostr (volume, sizeof volume, e->volume_ml);
      line = g_strdup_printf ("%s\t%" G_GINT64_FORMAT "\t%s\t%u\t%s\t%s\t%s\t%s\t%s\t%s\n", e->key, e->time,
                              e->action, (guint) (e->flags & ~ignored), rate, volume,
                              e->nurse_id != NULL ? e->nurse_id : "", e->witness_id != NULL ? e->witness_id : "",
                              e->patient_id != NULL ? e->patient_id : "", e->detail->str);
      g_checksum_update (checksum, (const guchar *) line, -1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

/* Loading ---------------------------------------------------------------------- */

MarShiftLog *
mar_shift_log_load (MarStore        *store,
                    MarDrugLibrary  *library,
                    GTimeZone       *time_zone,
                    const char      *unit,
                    const MarShift  *shift,
                    gint64           now,
                    GError         **error)
{
  g_autoptr(MarShiftLog) self = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (library != NULL && time_zone != NULL, NULL);
  g_return_val_if_fail (unit != NULL && shift != NULL, NULL);

  self = g_object_new (MAR_TYPE_SHIFT_LOG, NULL);
  self->store = g_object_ref (store);
  self->library = mar_drug_library_ref (library);
  self->time_zone = g_time_zone_ref (time_zone);
  self->unit_query = g_strdup (unit);
  mar_shift_copy (shift, &self->shift);
  self->now = now;
  if (!mar_shift_log_read (store, library, time_zone, unit, shift, now, &self->data, error))
    return NULL;
  compute_derived (self);
  return g_steal_pointer (&self);
}

gboolean
mar_shift_log_reload (MarShiftLog  *self,
                      gint64        now,
                      GError      **error)
{
  MarShiftLogData data;
  guint removed;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), FALSE);

  if (!mar_shift_log_read (self->store, self->library, self->time_zone, self->unit_query, &self->shift,
                           now, &data, error))
    return FALSE;
  removed = self->data.events->len;
  clear_derived (self);
  mar_shift_log_data_clear (&self->data);
  self->data = data;
  self->now = now;
  compute_derived (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->data.events->len);
  return TRUE;
}

typedef struct
{
  char           *db_path;
  MarDrugLibrary *library;
  GTimeZone      *time_zone;
  char           *unit;
  MarShift        shift;
  gint64          now;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->db_path);
  mar_drug_library_unref (data->library);
  g_time_zone_unref (data->time_zone);
  g_free (data->unit);
  mar_shift_clear (&data->shift);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  MarShiftLog *log;

  store = mar_store_open (data->db_path, MAR_STORE_OPEN_READ_ONLY | MAR_STORE_OPEN_MUST_EXIST, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  log = mar_shift_log_load (store, data->library, data->time_zone, data->unit, &data->shift, data->now, &error);
  if (log == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, log, g_object_unref);
}

void
mar_shift_log_load_async (const char          *db_path,
                          MarDrugLibrary      *library,
                          GTimeZone           *time_zone,
                          const char          *unit,
                          const MarShift      *shift,
                          gint64               now,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  g_return_if_fail (db_path != NULL && library != NULL && time_zone != NULL);
  g_return_if_fail (unit != NULL && shift != NULL);

  data->db_path = g_strdup (db_path);
  data->library = mar_drug_library_ref (library);
  data->time_zone = g_time_zone_ref (time_zone);
  data->unit = g_strdup (unit);
  mar_shift_copy (shift, &data->shift);
  data->now = now;
  g_task_set_source_tag (task, mar_shift_log_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

MarShiftLog *
mar_shift_log_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading ---------------------------------------------------------------------- */

const char *
mar_shift_log_get_unit_id (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->data.unit_id;
}

const char *
mar_shift_log_get_unit_name (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->data.unit_name;
}

const MarShift *
mar_shift_log_get_shift (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return &self->shift;
}

GTimeZone *
mar_shift_log_get_time_zone (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->time_zone;
}

gint64
mar_shift_log_get_now (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), MAR_TIME_UNSET);
  return self->now;
}

MarDrugLibrary *
mar_shift_log_get_library (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->library;
}

MarStore *
mar_shift_log_get_store (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->store;
}

const MarShiftSummary *
mar_shift_log_get_summary (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return &self->summary;
}

GPtrArray *
mar_shift_log_get_patients (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->data.patients;
}

GPtrArray *
mar_shift_log_get_nurses (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->nurses;
}

GPtrArray *
mar_shift_log_get_bags (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->data.bags;
}

GPtrArray *
mar_shift_log_get_variances (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->data.variances;
}

const MarShiftSignOff *
mar_shift_log_get_sign_off (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->data.sign_off;
}

const char *
mar_shift_log_get_digest (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return self->digest;
}

gboolean
mar_shift_log_is_changed_since_sign_off (MarShiftLog *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), FALSE);
  return self->data.sign_off != NULL && g_strcmp0 (self->data.sign_off->digest, self->digest) != 0;
}

MarShiftLogEvent *
mar_shift_log_lookup_event (MarShiftLog *self,
                            const char  *key)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);
  return key != NULL ? g_hash_table_lookup (self->by_key, key) : NULL;
}

static char *
format_time (gint64      t,
             GTimeZone  *time_zone,
             const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);

  return g_date_time_format (local, format);
}

char *
mar_shift_log_dup_sign_off_text (MarShiftLog *self)
{
  const MarShiftSignOff *sign_off;
  g_autofree char *when = NULL;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);

  sign_off = self->data.sign_off;
  if (sign_off == NULL)
    return g_strdup (_("Not signed off"));
  when = format_time (sign_off->signed_at, self->time_zone, "%Y-%m-%d %H:%M %Z");
  if (mar_shift_log_is_changed_since_sign_off (self))
    /* TRANSLATORS: who signed the shift off, when; events came after */
    return g_strdup_printf (_("Signed off by %s at %s — changed since (see “After sign-off”)"),
                            sign_off->staff_name, when);
  /* TRANSLATORS: who signed the shift off, when */
  return g_strdup_printf (_("Signed off by %s at %s"), sign_off->staff_name, when);
}

/* JSON ------------------------------------------------------------------------- */

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_time (JsonBuilder *b,
          const char  *name,
          gint64       t,
          GTimeZone   *time_zone)
{
  g_autofree char *text = t != MAR_TIME_UNSET ? mar_time_format_iso (t, time_zone) : NULL;

  add_string (b, name, text);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, round (value * 100) / 100);
}

static void
add_flags (JsonBuilder   *b,
           MarShiftFlags  flags)
{
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  for (MarShiftFlags f = 1; f <= MAR_SHIFT_FLAG_LAST; f <<= 1)
    if (flags & f)
      json_builder_add_string_value (b, mar_shift_flag_to_string (f));
  json_builder_end_array (b);
}

static void
add_event (JsonBuilder      *b,
           MarShiftLogEvent *e,
           GTimeZone        *time_zone)
{
  static const char * const kinds[] = { "record", "pulled", "missed" };

  json_builder_begin_object (b);
  add_string (b, "key", e->key);
  add_string (b, "kind", kinds[e->kind]);
  add_time (b, "time", e->time, time_zone);
  add_time (b, "recorded_at", e->recorded_at, time_zone);
  if (e->entry_seq != 0)
    add_int (b, "entry", e->entry_seq);
  if (e->infusion_id != 0)
    add_int (b, "infusion", e->infusion_id);
  add_string (b, "bed", e->bed);
  add_string (b, "patient_id", e->patient_id);
  add_string (b, "patient", e->patient_name);
  add_string (b, "mrn", e->mrn);
  add_string (b, "medication", e->medication);
  add_string (b, "action", e->action);
  add_string (b, "action_label", e->action_label);
  add_number (b, "rate_ml_h", e->rate_ml_h);
  add_number (b, "volume_ml", e->volume_ml);
  add_string (b, "nurse_id", e->nurse_id);
  add_string (b, "nurse", e->nurse_name);
  add_string (b, "witness_id", e->witness_id);
  add_string (b, "witness", e->witness_name);
  add_flags (b, e->flags);
  add_string (b, "detail", e->detail->str);
  add_string (b, "source", e->source);
  if (e->order_id != NULL)
    add_string (b, "order", e->order_id);
  if (e->due_time != MAR_TIME_UNSET)
    add_time (b, "due", e->due_time, time_zone);
  if (e->late_minutes > 0)
    add_int (b, "late_minutes", e->late_minutes);
  if (e->early_minutes > 0)
    add_int (b, "early_minutes", e->early_minutes);
  json_builder_set_member_name (b, "notes");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->notes->len; i++)
    {
      const MarShiftNote *note = g_ptr_array_index (e->notes, i);

      json_builder_begin_object (b);
      add_int (b, "entry", note->entry_seq);
      add_string (b, "by", note->staff_id);
      add_string (b, "by_name", note->staff_name);
      add_time (b, "at", note->at, time_zone);
      add_string (b, "text", note->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

JsonNode *
mar_shift_log_to_json (MarShiftLog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *date = NULL;
  g_autofree char *label = NULL;
  const MarShiftSummary *s;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG (self), NULL);

  s = &self->summary;
  date = mar_shift_dup_date (&self->shift);
  label = mar_shift_dup_label (&self->shift, self->time_zone);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "unit");
  json_builder_begin_object (b);
  add_string (b, "id", self->data.unit_id);
  add_string (b, "name", self->data.unit_name);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "shift");
  json_builder_begin_object (b);
  add_string (b, "name", self->shift.name);
  add_string (b, "date", date);
  add_string (b, "label", label);
  add_time (b, "start", self->shift.start, self->time_zone);
  add_time (b, "end", self->shift.end, self->time_zone);
  add_int (b, "hours", (self->shift.end - self->shift.start) / 3600);
  json_builder_end_object (b);
  add_time (b, "as_of", self->now, self->time_zone);
  add_string (b, "digest", self->digest);

  json_builder_set_member_name (b, "sign_off");
  if (self->data.sign_off != NULL)
    {
      json_builder_begin_object (b);
      add_int (b, "entry", self->data.sign_off->entry_seq);
      add_string (b, "by", self->data.sign_off->staff_id);
      add_string (b, "by_name", self->data.sign_off->staff_name);
      add_time (b, "at", self->data.sign_off->signed_at, self->time_zone);
      add_int (b, "events", self->data.sign_off->events);
      json_builder_set_member_name (b, "changed_since");
      json_builder_add_boolean_value (b, mar_shift_log_is_changed_since_sign_off (self));
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  add_int (b, "events", s->events);
  add_int (b, "patients", s->patients);
  add_int (b, "doses_given", s->doses_given);
  add_int (b, "doses_late", s->doses_late);
  add_int (b, "doses_early", s->doses_early);
  add_int (b, "doses_missed", s->doses_missed);
  add_int (b, "doses_not_given", s->doses_not_given);
  add_int (b, "overrides", s->overrides);
  add_int (b, "verifications", s->verifications);
  add_int (b, "unable_to_scan", s->unable_to_scan);
  add_number (b, "unable_to_scan_rate", round (s->unable_to_scan_rate * 1000) / 10);
  add_int (b, "keyed", s->keyed);
  add_int (b, "reactions", s->reactions);
  add_int (b, "unsynced", s->unsynced);
  add_int (b, "late_entries", s->late_entries);
  add_int (b, "pulled", s->pulled);
  add_int (b, "entered_in_error", s->entered_in_error);
  add_int (b, "after_sign_off", s->after_sign_off);
  add_number (b, "iv_intake_ml", s->iv_intake_ml);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "events");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->data.events->len; i++)
    add_event (b, g_ptr_array_index (self->data.events, i), self->time_zone);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "patients");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->data.patients->len; i++)
    {
      const MarShiftPatient *p = g_ptr_array_index (self->data.patients, i);

      json_builder_begin_object (b);
      add_string (b, "patient_id", p->patient_id);
      add_string (b, "name", p->name);
      add_string (b, "mrn", p->mrn);
      add_string (b, "bed", p->bed);
      add_int (b, "events", p->events);
      add_int (b, "bags", p->bags);
      add_number (b, "iv_intake_ml", p->iv_intake_ml);
      add_flags (b, p->flags);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "nurses");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->nurses->len; i++)
    {
      const MarShiftNurse *n = g_ptr_array_index (self->nurses, i);

      json_builder_begin_object (b);
      add_string (b, "staff_id", n->staff_id);
      add_string (b, "name", n->name);
      add_int (b, "events", n->events);
      add_int (b, "verifications", n->verifications);
      add_int (b, "unable_to_scan", n->unable_to_scan);
      add_int (b, "overrides", n->overrides);
      add_int (b, "late", n->late);
      add_int (b, "late_entries", n->late_entries);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
