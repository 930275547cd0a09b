/* mar-shift-log-event.c — one row of the shift log, and its flags
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GObject with read-only properties, so the charge nurse's GtkColumnView
 * binds its columns, sorters and filters to them by name.
 */

#define G_LOG_DOMAIN "mar-shift-log"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-shift-log-private.h"

/* Flags ----------------------------------------------------------------------- */

static const struct
{
  MarShiftFlags  flag;
  const char    *code;
  const char    *label;
} flag_table[] = {
  { MAR_SHIFT_FLAG_MISSED, "missed", N_("Missed dose") },
  { MAR_SHIFT_FLAG_REACTION, "reaction", N_("Reaction") },
  { MAR_SHIFT_FLAG_OVERRIDE, "override", N_("Override") },
  { MAR_SHIFT_FLAG_LATE, "late", N_("Late dose") },
  { MAR_SHIFT_FLAG_EARLY, "early", N_("Early dose") },
  { MAR_SHIFT_FLAG_UNABLE_TO_SCAN, "unable-to-scan", N_("Unable to scan") },
  { MAR_SHIFT_FLAG_KEYED, "keyed", N_("Keyed entry") },
  { MAR_SHIFT_FLAG_LATE_ENTRY, "late-entry", N_("Late documentation") },
  { MAR_SHIFT_FLAG_NOT_GIVEN, "not-given", N_("Not given") },
  { MAR_SHIFT_FLAG_ENTERED_IN_ERROR, "entered-in-error", N_("Entered in error") },
  { MAR_SHIFT_FLAG_UNSYNCED, "unsynced", N_("Not yet synced") },
  { MAR_SHIFT_FLAG_PULLED, "pulled", N_("Other terminal") },
  { MAR_SHIFT_FLAG_AFTER_SIGN_OFF, "after-sign-off", N_("After sign-off") },
  { MAR_SHIFT_FLAG_REVIEWED, "reviewed", N_("Review note") },
};

GType
mar_shift_flags_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static GFlagsValue values[G_N_ELEMENTS (flag_table) + 2];
      GType type;

      values[0] = (GFlagsValue) { MAR_SHIFT_FLAG_NONE, "MAR_SHIFT_FLAG_NONE", "none" };
      for (guint i = 0; i < G_N_ELEMENTS (flag_table); i++)
        values[i + 1] = (GFlagsValue) { flag_table[i].flag, flag_table[i].code, flag_table[i].code };
      type = g_flags_register_static (g_intern_static_string ("MarShiftFlags"), values);
      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

const char *
mar_shift_flag_to_string (MarShiftFlags flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_table); i++)
    if (flag_table[i].flag == flag)
      return flag_table[i].code;
  return NULL;
}

const char *
mar_shift_flag_get_label (MarShiftFlags flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_table); i++)
    if (flag_table[i].flag == flag)
      return _(flag_table[i].label);
  return NULL;
}

gboolean
mar_shift_flag_from_string (const char    *text,
                            MarShiftFlags *flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_table); i++)
    if (g_strcmp0 (flag_table[i].code, text) == 0)
      {
        *flag = flag_table[i].flag;
        return TRUE;
      }
  return FALSE;
}

/* In the table's order: what matters most to the reviewer first. */
static char *
join_flags (MarShiftFlags flags,
            gboolean      labels)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (flag_table); i++)
    if (flags & flag_table[i].flag)
      {
        if (out->len > 0)
          g_string_append (out, labels ? ", " : ",");
        g_string_append (out, labels ? _(flag_table[i].label) : flag_table[i].code);
      }
  return g_string_free (out, FALSE);
}

char *
mar_shift_flags_to_string (MarShiftFlags flags)
{
  return join_flags (flags, FALSE);
}

char *
mar_shift_flags_dup_label (MarShiftFlags flags)
{
  return join_flags (flags, TRUE);
}

/* Notes ----------------------------------------------------------------------- */

void
mar_shift_note_free (MarShiftNote *note)
{
  if (note == NULL)
    return;
  g_free (note->staff_id);
  g_free (note->staff_name);
  g_free (note->text);
  g_free (note);
}

/* The event ------------------------------------------------------------------- */

enum
{
  PROP_0,
  PROP_KEY,
  PROP_KIND,
  PROP_TIME,
  PROP_TIME_TEXT,
  PROP_RECORDED_AT,
  PROP_ENTRY,
  PROP_INFUSION,
  PROP_BED,
  PROP_PATIENT_ID,
  PROP_PATIENT,
  PROP_MRN,
  PROP_MEDICATION,
  PROP_ACTION,
  PROP_ACTION_LABEL,
  PROP_RATE,
  PROP_RATE_TEXT,
  PROP_VOLUME,
  PROP_VOLUME_TEXT,
  PROP_NURSE_ID,
  PROP_NURSE,
  PROP_WITNESS_ID,
  PROP_WITNESS,
  PROP_FLAGS,
  PROP_FLAGS_TEXT,
  PROP_DETAIL,
  PROP_SOURCE,
  PROP_NOTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MarShiftLogEvent, mar_shift_log_event, G_TYPE_OBJECT)

static void
mar_shift_log_event_finalize (GObject *object)
{
  MarShiftLogEvent *self = MAR_SHIFT_LOG_EVENT (object);

  g_free (self->key);
  g_free (self->action);
  g_free (self->bed);
  g_free (self->patient_id);
  g_free (self->patient_name);
  g_free (self->mrn);
  g_free (self->medication);
  g_free (self->nurse_id);
  g_free (self->nurse_name);
  g_free (self->witness_id);
  g_free (self->witness_name);
  g_string_free (self->detail, TRUE);
  g_free (self->source);
  g_ptr_array_unref (self->notes);
  g_free (self->order_id);
  g_free (self->time_text);
  g_free (self->action_label);
  g_free (self->rate_text);
  g_free (self->volume_text);
  g_free (self->flags_text);

  G_OBJECT_CLASS (mar_shift_log_event_parent_class)->finalize (object);
}

static void
mar_shift_log_event_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MarShiftLogEvent *self = MAR_SHIFT_LOG_EVENT (object);

  switch (prop_id)
    {
    case PROP_KEY: g_value_set_string (value, self->key); break;
    case PROP_KIND: g_value_set_int (value, self->kind); break;
    case PROP_TIME: g_value_set_int64 (value, self->time); break;
    case PROP_TIME_TEXT: g_value_set_string (value, self->time_text); break;
    case PROP_RECORDED_AT: g_value_set_int64 (value, self->recorded_at); break;
    case PROP_ENTRY: g_value_set_int64 (value, self->entry_seq); break;
    case PROP_INFUSION: g_value_set_int64 (value, self->infusion_id); break;
    case PROP_BED: g_value_set_string (value, self->bed); break;
    case PROP_PATIENT_ID: g_value_set_string (value, self->patient_id); break;
    case PROP_PATIENT: g_value_set_string (value, self->patient_name); break;
    case PROP_MRN: g_value_set_string (value, self->mrn); break;
    case PROP_MEDICATION: g_value_set_string (value, self->medication); break;
    case PROP_ACTION: g_value_set_string (value, self->action); break;
    case PROP_ACTION_LABEL: g_value_set_string (value, self->action_label); break;
    case PROP_RATE: g_value_set_double (value, self->rate_ml_h); break;
    case PROP_RATE_TEXT: g_value_set_string (value, self->rate_text); break;
    case PROP_VOLUME: g_value_set_double (value, self->volume_ml); break;
    case PROP_VOLUME_TEXT: g_value_set_string (value, self->volume_text); break;
    case PROP_NURSE_ID: g_value_set_string (value, self->nurse_id); break;
    case PROP_NURSE: g_value_set_string (value, self->nurse_name); break;
    case PROP_WITNESS_ID: g_value_set_string (value, self->witness_id); break;
    case PROP_WITNESS: g_value_set_string (value, self->witness_name); break;
    case PROP_FLAGS: g_value_set_flags (value, self->flags); break;
    case PROP_FLAGS_TEXT: g_value_set_string (value, self->flags_text); break;
    case PROP_DETAIL: g_value_set_string (value, self->detail->str); break;
    case PROP_SOURCE: g_value_set_string (value, self->source); break;
    case PROP_NOTE: g_value_set_string (value, mar_shift_log_event_get_note (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
double_property (const char *name)
{
  return g_param_spec_double (name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
mar_shift_log_event_class_init (MarShiftLogEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mar_shift_log_event_finalize;
  object_class->get_property = mar_shift_log_event_get_property;

  properties[PROP_KEY] = string_property ("key");
  properties[PROP_KIND] = g_param_spec_int ("kind", NULL, NULL, MAR_SHIFT_EVENT_RECORD, MAR_SHIFT_EVENT_MISSED,
                                            MAR_SHIFT_EVENT_RECORD, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] = int64_property ("time");
  properties[PROP_TIME_TEXT] = string_property ("time-text");
  properties[PROP_RECORDED_AT] = int64_property ("recorded-at");
  properties[PROP_ENTRY] = int64_property ("entry");
  properties[PROP_INFUSION] = int64_property ("infusion");
  properties[PROP_BED] = string_property ("bed");
  properties[PROP_PATIENT_ID] = string_property ("patient-id");
  properties[PROP_PATIENT] = string_property ("patient");
  properties[PROP_MRN] = string_property ("mrn");
  properties[PROP_MEDICATION] = string_property ("medication");
  properties[PROP_ACTION] = string_property ("action");
  properties[PROP_ACTION_LABEL] = string_property ("action-label");
  properties[PROP_RATE] = double_property ("rate");
  properties[PROP_RATE_TEXT] = string_property ("rate-text");
  properties[PROP_VOLUME] = double_property ("volume");
  properties[PROP_VOLUME_TEXT] = string_property ("volume-text");
  properties[PROP_NURSE_ID] = string_property ("nurse-id");
  properties[PROP_NURSE] = string_property ("nurse");
  properties[PROP_WITNESS_ID] = string_property ("witness-id");
  properties[PROP_WITNESS] = string_property ("witness");
  properties[PROP_FLAGS] = g_param_spec_flags ("flags", NULL, NULL, MAR_TYPE_SHIFT_FLAGS, MAR_SHIFT_FLAG_NONE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS_TEXT] = string_property ("flags-text");
  properties[PROP_DETAIL] = string_property ("detail");
  properties[PROP_SOURCE] = string_property ("source");
  properties[PROP_NOTE] = string_property ("note");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mar_shift_log_event_init (MarShiftLogEvent *self)
{
  self->rate_ml_h = NAN;
  self->volume_ml = NAN;
  self->time = MAR_TIME_UNSET;
  self->recorded_at = MAR_TIME_UNSET;
  self->due_time = MAR_TIME_UNSET;
  self->window_closed = MAR_TIME_UNSET;
  self->detail = g_string_new (NULL);
  self->notes = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_shift_note_free);
}

MarShiftLogEvent *
mar_shift_log_event_new (MarShiftEventKind kind)
{
  MarShiftLogEvent *self = g_object_new (MAR_TYPE_SHIFT_LOG_EVENT, NULL);

  self->kind = kind;
  return self;
}

void
mar_shift_log_event_add_detail (MarShiftLogEvent *event,
                                const char       *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (event->detail->len > 0)
    {
      /* "…per electrolyte protocol; …", not "protocol.; …". */
      if (event->detail->str[event->detail->len - 1] == '.')
        g_string_truncate (event->detail, event->detail->len - 1);
      g_string_append (event->detail, "; ");
    }
  g_string_append (event->detail, text);
}

const char *
mar_shift_log_action_label (const char *action)
{
  static const struct { const char *action; const char *label; } labels[] = {
    { "bag-prepared", N_("Prepared") },
    { "infusion-started", N_("Started") },
    { "rate-changed", N_("Rate changed") },
    { "paused", N_("Paused") },
    { "resumed", N_("Resumed") },
    { "bolus-given", N_("Bolus") },
    { "stopped", N_("Stopped") },
    { "completed", N_("Completed") },
    { "held", N_("Held") },
    { "refused", N_("Refused") },
    { "missing", N_("Missing") },
    { "not-given", N_("Not given") },
    { "reaction", N_("Reaction") },
    { "site-check", N_("Site check") },
    { "correction", N_("Correction") },
    { "missed", N_("Missed dose") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].action, action) == 0)
      return _(labels[i].label);
  return action;
}

char *
mar_shift_log_format_amount (double      value,
                             int         decimals,
                             const char *unit)
{
  g_autofree char *number = g_strdup_printf ("%.*f", decimals, value);
  char *end = number + strlen (number);

  /* No trailing zeros: "75 mL/h", "12.96 mL/h", "3.2 mL". */
  if (decimals > 0)
    {
      while (end > number && end[-1] == '0')
        *--end = '\0';
      if (end > number && (end[-1] == '.' || end[-1] == ','))
        *--end = '\0';
    }
  return g_strdup_printf ("%s %s", number, unit);
}

void
mar_shift_log_event_finish (MarShiftLogEvent *event,
                            GTimeZone        *time_zone,
                            gboolean          with_zone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (event->time);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, time_zone);

  g_free (event->time_text);
  event->time_text = g_date_time_format (local, with_zone ? "%H:%M %Z" : "%H:%M");
  if (event->action_label == NULL)
    event->action_label = g_strdup (mar_shift_log_action_label (event->action));
  g_free (event->rate_text);
  /* Pumps are set to a hundredth of a mL/h (heparin 12.96 mL/h). */
  event->rate_text = isnan (event->rate_ml_h) ? g_strdup ("") : mar_shift_log_format_amount (event->rate_ml_h, 2, "mL/h");
  g_free (event->volume_text);
  event->volume_text = isnan (event->volume_ml) ? g_strdup ("") : mar_shift_log_format_amount (event->volume_ml, 1, "mL");
  if (event->notes->len > 0)
    event->flags |= MAR_SHIFT_FLAG_REVIEWED;
  g_free (event->flags_text);
  event->flags_text = mar_shift_flags_dup_label (event->flags);
}

char *
mar_shift_log_event_dup_printed_detail (MarShiftLogEvent *event)
{
  GString *out = g_string_new (event->detail->str);

  for (guint i = 0; i < event->notes->len; i++)
    {
      const MarShiftNote *note = g_ptr_array_index (event->notes, i);

      if (out->len > 0 && out->str[out->len - 1] == '.')
        g_string_truncate (out, out->len - 1);
      if (out->len > 0)
        g_string_append (out, "; ");
      /* TRANSLATORS: a charge nurse's review note on a shift-log event: note, who */
      g_string_append_printf (out, _("Review: %s (%s)"), note->text,
                              note->staff_name != NULL ? note->staff_name : note->staff_id);
    }
  return g_string_free (out, FALSE);
}

/* Getters --------------------------------------------------------------------- */

#define GETTER(type, name, expr, fallback) \
  type mar_shift_log_event_get_##name (MarShiftLogEvent *event) \
  { \
    g_return_val_if_fail (MAR_IS_SHIFT_LOG_EVENT (event), fallback); \
    return expr; \
  }

GETTER (const char *, key, event->key, NULL)
GETTER (MarShiftEventKind, kind, event->kind, MAR_SHIFT_EVENT_RECORD)
GETTER (gint64, time, event->time, MAR_TIME_UNSET)
GETTER (const char *, time_text, event->time_text, NULL)
GETTER (gint64, recorded_at, event->recorded_at, MAR_TIME_UNSET)
GETTER (gint64, entry, event->entry_seq, 0)
GETTER (gint64, infusion, event->infusion_id, 0)
GETTER (const char *, bed, event->bed, NULL)
GETTER (const char *, patient_id, event->patient_id, NULL)
GETTER (const char *, patient, event->patient_name, NULL)
GETTER (const char *, mrn, event->mrn, NULL)
GETTER (const char *, medication, event->medication, NULL)
GETTER (const char *, action, event->action, NULL)
GETTER (const char *, action_label, event->action_label, NULL)
GETTER (double, rate, event->rate_ml_h, NAN)
GETTER (const char *, rate_text, event->rate_text, NULL)
GETTER (double, volume, event->volume_ml, NAN)
GETTER (const char *, volume_text, event->volume_text, NULL)
GETTER (const char *, nurse_id, event->nurse_id, NULL)
GETTER (const char *, nurse, event->nurse_name, NULL)
GETTER (const char *, witness_id, event->witness_id, NULL)
GETTER (const char *, witness, event->witness_name, NULL)
GETTER (MarShiftFlags, flags, event->flags, MAR_SHIFT_FLAG_NONE)
GETTER (const char *, flags_text, event->flags_text, NULL)
GETTER (const char *, detail, event->detail->str, NULL)
GETTER (const char *, source, event->source, NULL)
GETTER (GPtrArray *, notes, event->notes, NULL)
GETTER (gint64, late_minutes, event->late_minutes, 0)
GETTER (gint64, early_minutes, event->early_minutes, 0)
GETTER (const char *, order_id, event->order_id, NULL)
GETTER (gint64, due_time, event->due_time, MAR_TIME_UNSET)

const char *
mar_shift_log_event_get_note (MarShiftLogEvent *event)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG_EVENT (event), NULL);

  if (event->notes->len == 0)
    return NULL;
  return ((MarShiftNote *) g_ptr_array_index (event->notes, event->notes->len - 1))->text;
}
