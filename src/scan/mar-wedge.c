/* mar-wedge.c — keyboard-wedge scans versus typing, by inter-key timing
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-wedge"

#include "config.h"

#include <string.h>

#include "mar-wedge.h"

#define GS 0x1d

struct _MarWedge
{
  /* Configuration */
  gint64               max_gap_us;
  guint                min_length;
  MarWedgeTerminators  terminators;
  gboolean             require_terminator;
  GArray              *prefix;          /* gunichar */
  GArray              *suffix;          /* gunichar */
  gunichar             gs_replacement;

  /* The burst being held: keys that may be a scanner's. */
  GArray              *burst;           /* gunichar */
  gboolean             holding;
  gint64               burst_start;
  gint64               burst_last;
  gint64               burst_max_gap;

  /* What the person has typed since the last Enter, for KEYED. */
  GString             *line;
  guint                line_keys;
  gboolean             line_edited;
  gint64               line_start;

  GQueue               events;
};

void
mar_wedge_config_init (MarWedgeConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->max_gap_ms = 50;
  config->min_length = 4;
  config->terminators = MAR_WEDGE_TERMINATOR_ENTER | MAR_WEDGE_TERMINATOR_TAB;
  config->require_terminator = TRUE;
}

static GArray *
ucs4_array (const char *utf8)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (gunichar));

  if (utf8 != NULL && g_utf8_validate (utf8, -1, NULL))
    for (const char *p = utf8; *p; p = g_utf8_next_char (p))
      {
        gunichar c = g_utf8_get_char (p);

        g_array_append_val (array, c);
      }
  return array;
}

MarWedge *
mar_wedge_new (const MarWedgeConfig *config)
{
  MarWedgeConfig defaults;
  MarWedge *self;

  if (config == NULL)
    {
      mar_wedge_config_init (&defaults);
      config = &defaults;
    }
  g_return_val_if_fail (config->max_gap_ms > 0, NULL);

  self = g_new0 (MarWedge, 1);
  self->max_gap_us = (gint64) config->max_gap_ms * 1000;
  self->min_length = MAX (config->min_length, 1);
  self->terminators = config->terminators;
  self->require_terminator = config->require_terminator;
  self->prefix = ucs4_array (config->prefix);
  self->suffix = ucs4_array (config->suffix);
  self->gs_replacement = config->gs_replacement;
  self->burst = g_array_new (FALSE, FALSE, sizeof (gunichar));
  self->line = g_string_new (NULL);
  g_queue_init (&self->events);
  return self;
}

void
mar_wedge_free (MarWedge *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->prefix);
  g_array_unref (self->suffix);
  g_array_unref (self->burst);
  g_string_free (self->line, TRUE);
  g_queue_clear_full (&self->events, (GDestroyNotify) mar_wedge_event_free);
  g_free (self);
}

void
mar_wedge_event_free (MarWedgeEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->text);
  g_free (event);
}

MarWedgeEvent *
mar_wedge_next_event (MarWedge *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_queue_pop_head (&self->events);
}

static void
push_event (MarWedge          *self,
            MarWedgeEventKind  kind,
            GString           *text,
            guint              n_keys,
            gint64             start_us,
            gint64             end_us,
            gint64             max_gap_us)
{
  MarWedgeEvent *event = g_new0 (MarWedgeEvent, 1);

  event->kind = kind;
  if (text != NULL)
    {
      event->length = text->len;
      event->text = g_string_free (text, FALSE);
    }
  event->n_keys = n_keys;
  event->start_us = start_us;
  event->end_us = end_us;
  event->max_gap_us = max_gap_us;
  g_queue_push_tail (&self->events, event);
}

/* The burst's characters [from, to) as UTF-8; with @data TRUE the GS
 * replacement character becomes GS. */
static GString *
burst_text (MarWedge *self,
            guint     from,
            guint     to,
            gboolean  data)
{
  GString *s = g_string_new (NULL);

  for (guint i = from; i < to; i++)
    {
      gunichar c = g_array_index (self->burst, gunichar, i);

      if (data && self->gs_replacement != 0 && c == self->gs_replacement)
        c = GS;
      g_string_append_unichar (s, c);
    }
  return s;
}

static gboolean
burst_has_prefix (MarWedge *self)
{
  if (self->prefix->len == 0)
    return TRUE;
  if (self->burst->len < self->prefix->len)
    return FALSE;
  return memcmp (self->burst->data, self->prefix->data, self->prefix->len * sizeof (gunichar)) == 0;
}

static gboolean
burst_has_suffix (MarWedge *self)
{
  guint from;

  if (self->suffix->len == 0)
    return self->burst->len >= self->prefix->len;
  if (self->burst->len < self->prefix->len + self->suffix->len)
    return FALSE;
  from = self->burst->len - self->suffix->len;
  return memcmp ((gunichar *) (void *) self->burst->data + from, self->suffix->data,
                 self->suffix->len * sizeof (gunichar)) == 0;
}

/* Held keys that may still become the prefix: TRUE while they match its
 * beginning. */
static gboolean
burst_may_be_prefixed (MarWedge *self)
{
  guint n = MIN (self->burst->len, self->prefix->len);

  if (n == 0)
    return TRUE;
  return memcmp (self->burst->data, self->prefix->data, n * sizeof (gunichar)) == 0;
}

/* A fast burst that did not finish as a scan is still a scanner's when
 * it is long enough, or when it carries the prefix and more: it is dropped
 * as incomplete rather than typed into whatever has the focus. */
static gboolean
burst_looks_scanned (MarWedge *self)
{
  if (self->burst->len >= self->min_length)
    return TRUE;
  return self->prefix->len > 0 && burst_has_prefix (self) && self->burst->len > self->prefix->len;
}

static gboolean
burst_is_complete_scan (MarWedge *self)
{
  guint affixes = self->prefix->len + self->suffix->len;

  return burst_has_prefix (self) && burst_has_suffix (self) &&
         self->burst->len >= affixes + self->min_length;
}

static void
line_append (MarWedge   *self,
             const char *text,
             guint       n_keys,
             gint64      time_us)
{
  if (self->line_keys == 0)
    self->line_start = time_us;
  g_string_append (self->line, text);
  self->line_keys += n_keys;
}

static void
line_reset (MarWedge *self)
{
  g_string_truncate (self->line, 0);
  self->line_keys = 0;
  self->line_edited = FALSE;
}

static void
emit_scan (MarWedge *self,
           gint64    end_us)
{
  GString *data = burst_text (self, self->prefix->len, self->burst->len - self->suffix->len, TRUE);

  push_event (self, MAR_WEDGE_EVENT_SCAN, data, self->burst->len, self->burst_start, end_us,
              self->burst_max_gap);
}

static void
emit_incomplete (MarWedge *self,
                 gint64    end_us)
{
  push_event (self, MAR_WEDGE_EVENT_INCOMPLETE_SCAN, burst_text (self, 0, self->burst->len, TRUE),
              self->burst->len, self->burst_start, end_us, self->burst_max_gap);
}

static void
emit_typed (MarWedge *self)
{
  GString *text = burst_text (self, 0, self->burst->len, FALSE);

  line_append (self, text->str, self->burst->len, self->burst_start);
  push_event (self, MAR_WEDGE_EVENT_TYPED, text, self->burst->len, self->burst_start,
              self->burst_last, self->burst_max_gap);
}

static void
burst_clear (MarWedge *self)
{
  g_array_set_size (self->burst, 0);
  self->holding = FALSE;
  self->burst_max_gap = 0;
}

/* The burst ended without a terminator: its keys stopped, a slow key or
 * an editing key followed, or the caller flushed. */
static void
resolve_unterminated (MarWedge *self)
{
  if (!self->holding)
    return;

  if (!self->require_terminator && burst_is_complete_scan (self))
    emit_scan (self, self->burst_last);
  else if (burst_looks_scanned (self))
    emit_incomplete (self, self->burst_last);
  else
    emit_typed (self);
  burst_clear (self);
}

static void
emit_keyed (MarWedge *self,
            gint64    time_us)
{
  if (self->line->len > 0 || self->line_edited)
    {
      GString *text = self->line_edited ? NULL : g_string_new_len (self->line->str, self->line->len);

      push_event (self, MAR_WEDGE_EVENT_KEYED, text, self->line_keys,
                  self->line_keys > 0 ? self->line_start : time_us, time_us, 0);
    }
  line_reset (self);
}

static MarWedgeTerminators
terminator_of (guint keyval)
{
  switch (keyval)
    {
    case MAR_WEDGE_KEY_RETURN:
    case MAR_WEDGE_KEY_KP_ENTER:
    case MAR_WEDGE_KEY_ISO_ENTER:
      return MAR_WEDGE_TERMINATOR_ENTER;
    case MAR_WEDGE_KEY_TAB:
    case MAR_WEDGE_KEY_KP_TAB:
    case MAR_WEDGE_KEY_ISO_LEFT_TAB:
      return MAR_WEDGE_TERMINATOR_TAB;
    default:
      return 0;
    }
}

/* Shift, Control, Caps Lock, AltGr and friends: scanners press Shift for
 * capitals, so these must not count as keys or break a burst. */
static gboolean
is_modifier (guint keyval)
{
  return (keyval >= 0xffe1 && keyval <= 0xffee) ||   /* Shift_L .. Hyper_R */
         (keyval >= 0xfe01 && keyval <= 0xfe0f) ||   /* ISO_Lock .. ISO_Level5_Lock */
         keyval == 0xff7e ||                         /* Mode_switch */
         keyval == 0xff7f;                           /* Num_Lock */
}

static gboolean
array_contains (GArray   *array,
                gunichar  ch)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, gunichar, i) == ch)
      return TRUE;
  return FALSE;
}

/* Printable characters, GS, and whatever the site configured as prefix or
 * suffix (scanners are often set to send STX/ETX around the data). */
static gboolean
is_data_character (MarWedge *self,
                   gunichar  ch)
{
  if (ch == 0)
    return FALSE;
  if (ch == GS || array_contains (self->prefix, ch) || array_contains (self->suffix, ch))
    return TRUE;
  return !g_unichar_iscntrl (ch) && g_unichar_validate (ch);
}

static MarWedgeKeyAction
terminator_pressed (MarWedge            *self,
                    MarWedgeTerminators  terminator,
                    gint64               time_us)
{
  if (self->holding)
    {
      gint64 gap = MAX (time_us - self->burst_last, 0);

      if (gap <= self->max_gap_us && (self->terminators & terminator) != 0)
        {
          self->burst_max_gap = MAX (self->burst_max_gap, gap);
          if (burst_is_complete_scan (self))
            {
              emit_scan (self, time_us);
              burst_clear (self);
              return MAR_WEDGE_KEY_SWALLOW;
            }
          if (burst_looks_scanned (self))
            {
              /* Fast to the end but not a valid scan (missing affix): the
               * terminator is the scanner's too, so it goes with the rest. */
              emit_incomplete (self, time_us);
              burst_clear (self);
              return MAR_WEDGE_KEY_SWALLOW;
            }
          /* Too short for a scan: a quick person. */
          emit_typed (self);
          burst_clear (self);
        }
      else
        resolve_unterminated (self);
    }

  if (terminator == MAR_WEDGE_TERMINATOR_ENTER)
    emit_keyed (self, time_us);
  else
    line_reset (self);      /* Tab moves the focus: a new field, a new line */
  return MAR_WEDGE_KEY_PASS;
}

static MarWedgeKeyAction
character_pressed (MarWedge *self,
                   gunichar  ch,
                   gint64    time_us)
{
  if (self->holding)
    {
      gint64 gap = MAX (time_us - self->burst_last, 0);

      if (gap <= self->max_gap_us)
        {
          g_array_append_val (self->burst, ch);
          self->burst_last = time_us;
          self->burst_max_gap = MAX (self->burst_max_gap, gap);
          /* Typed quickly, but not the prefix after all: a person's keys.
           * Release them now instead of 50 ms later. */
          if (self->prefix->len > 0 && !burst_may_be_prefixed (self))
            {
              emit_typed (self);
              burst_clear (self);
              return MAR_WEDGE_KEY_SWALLOW;
            }
          return MAR_WEDGE_KEY_SWALLOW;
        }
      /* A slow key: whatever was held is decided without it. */
      resolve_unterminated (self);
    }

  /* With a prefix configured, a key that is not its first character
   * cannot start a scan: let it through at once. */
  if (self->prefix->len > 0 && ch != g_array_index (self->prefix, gunichar, 0))
    {
      char buf[8] = { 0, };

      g_unichar_to_utf8 (ch, buf);
      line_append (self, buf, 1, time_us);
      return MAR_WEDGE_KEY_PASS;
    }

  burst_clear (self);
  g_array_append_val (self->burst, ch);
  self->holding = TRUE;
  self->burst_start = time_us;
  self->burst_last = time_us;
  return MAR_WEDGE_KEY_SWALLOW;
}

MarWedgeKeyAction
mar_wedge_key_press (MarWedge *self,
                     guint     keyval,
                     gunichar  ch,
                     gint64    time_us)
{
  MarWedgeTerminators terminator;

  g_return_val_if_fail (self != NULL, MAR_WEDGE_KEY_PASS);

  if (is_modifier (keyval))
    return MAR_WEDGE_KEY_PASS;

  terminator = terminator_of (keyval);
  if (terminator != 0)
    return terminator_pressed (self, terminator, time_us);

  if (keyval != MAR_WEDGE_KEY_BACKSPACE && is_data_character (self, ch))
    return character_pressed (self, ch, time_us);

  /* Any other key (BackSpace, arrows, Delete, Escape, function keys) is a
   * person's: it ends a held burst and is delivered. */
  resolve_unterminated (self);
  if (keyval == MAR_WEDGE_KEY_BACKSPACE && !self->line_edited && self->line->len > 0)
    {
      const char *last = g_utf8_find_prev_char (self->line->str, self->line->str + self->line->len);

      g_string_truncate (self->line, last != NULL ? (gsize) (last - self->line->str) : 0);
    }
  else
    self->line_edited = TRUE;
  return MAR_WEDGE_KEY_PASS;
}

gint64
mar_wedge_get_deadline (const MarWedge *self)
{
  g_return_val_if_fail (self != NULL, -1);

  if (!self->holding)
    return -1;
  return self->burst_last + self->max_gap_us + 1;
}

void
mar_wedge_tick (MarWedge *self,
                gint64    now_us)
{
  g_return_if_fail (self != NULL);

  if (self->holding && now_us - self->burst_last > self->max_gap_us)
    resolve_unterminated (self);
}

void
mar_wedge_flush (MarWedge *self)
{
  g_return_if_fail (self != NULL);
  resolve_unterminated (self);
}

void
mar_wedge_reset (MarWedge *self)
{
  g_return_if_fail (self != NULL);
  resolve_unterminated (self);
  line_reset (self);
}
