/* mar-sound.h — the error sound of a hard stop
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 7 (4): a block sounds, so a nurse looking at the patient rather
 * than the screen still notices. The tone is synthesized by GStreamer
 * (audiotestsrc): nothing is shipped or downloaded. It is silent when the
 * alert-sound setting is off and when BEDSIDE_MAR_SILENT is set (tests).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void   mar_sound_play_alert      (GSettings *settings);
/* How many alerts were asked for since start, sounded or silent (tests). */
guint  mar_sound_get_alert_count (void);

G_END_DECLS
