// SPDX-License-Identifier: GPL-2.0
/*
 * Printing results.  JSON goes to stdout, flushed per line, so a driver can
 * keep whatever finished before a later point failed; the table goes to
 * stderr with a header whenever the kind of row changes.
 */
#include <stdio.h>
#include <string.h>
#include "crew.h"
#include "report.h"

/* JSON strings here are ours or file paths: escape the two that matter. */
static void json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\":\"", key);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
	}
	fputs("\",", f);
}

void report_json(const struct bench_opts *o, const struct bench_lib *lib,
		 const struct bench_result *r)
{
	FILE *f = stdout;
	int is_tp = !strcmp(r->mode, "throughput");
	int is_lat = !strcmp(r->mode, "latency") || !strcmp(r->mode, "pingpong");

	fputc('{', f);
	json_str(f, "tool", "kcpg-bench");
	json_str(f, "mode", r->mode);
	if (lib) {
		json_str(f, "lib", lib->label);
		json_str(f, "lib_path", lib->path);
	}
	if (r->path)
		json_str(f, "path", r->path);
	fprintf(f, "\"size\":%u,", r->size);
	if (crew_nodes())
		fprintf(f, "\"nodes\":%u,", crew_nodes());
	if (is_tp || is_lat) {
		json_str(f, "guarantee", bench_guarantee_name(o->guarantee));
		json_str(f, "verify", o->verify == VERIFY_FULL ? "full" : "cheap");
		fprintf(f, "\"senders\":%u,\"receivers\":%u,", r->senders, r->receivers);
	}
	fprintf(f, "\"seconds\":%.4f,", r->seconds);
	if (is_tp)
		fprintf(f, "\"msgs\":%llu,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,"
			"\"mb_per_s_avg\":%.3f,\"window_bytes\":%llu,\"window_msgs\":%u,"
			"\"try_again\":%llu,"
			"\"lost\":%llu,\"order_errors\":%llu,\"window_waits\":%llu,"
			"\"window_timeouts\":%llu,\"poll_timeouts\":%llu,",
			(unsigned long long)r->msgs, r->msgs_per_s, r->mb_per_s,
			r->mb_per_s_avg, (unsigned long long)o->window_bytes, o->window_msgs,
			(unsigned long long)r->try_again, (unsigned long long)r->lost,
			(unsigned long long)r->order_errors,
			(unsigned long long)r->window_waits,
			(unsigned long long)r->window_timeouts,
			(unsigned long long)r->poll_timeouts);
	else if (!is_lat)
		fprintf(f, "\"mb_per_s\":%.3f,", r->mb_per_s);
	if (is_lat)
		fprintf(f, "\"samples\":%u,\"mean_us\":%.2f,\"p50_us\":%.2f,"
			"\"p90_us\":%.2f,\"p99_us\":%.2f,\"max_us\":%.2f,",
			r->lat.samples, r->lat.mean_us, r->lat.p50_us, r->lat.p90_us,
			r->lat.p99_us, r->lat.max_us);
	if (is_tp || is_lat)
		fprintf(f, "\"format_errors\":%llu,\"sequence_errors\":%llu,"
			"\"payload_errors\":%llu,",
			(unsigned long long)r->err.format,
			(unsigned long long)r->err.sequence,
			(unsigned long long)r->err.payload);
	if (r->note)
		json_str(f, "note", r->note);
	if (r->skipped)
		fputs("\"skipped\":true,", f);
	fprintf(f, "\"ok\":%s}\n", r->ok ? "true" : "false");
	fflush(f);
}

void report_table(const struct bench_opts *o, const struct bench_lib *lib,
		  const struct bench_result *r)
{
	static char last_mode[16];
	FILE *f = stderr;
	const char *who = lib ? lib->label : "-";
	const char *verdict = r->skipped ? r->note :
		r->ok ? "ok" : (r->note ? r->note : "FAILED");

	(void)o;
	if (strcmp(last_mode, r->mode)) {
		snprintf(last_mode, sizeof(last_mode), "%s", r->mode);
		if (!strcmp(r->mode, "throughput"))
			fprintf(f, "\n%-9s %-4s %8s %3s %3s %8s %11s %10s %9s %9s  %s\n",
				"lib", "path", "size", "snd", "rcv", "seconds", "msgs/s",
				"MB/s", "MB/s avg", "try_again", "check");
		else if (!strcmp(r->mode, "latency") || !strcmp(r->mode, "pingpong"))
			fprintf(f, "\n%-9s %-8s %-4s %8s %7s %9s %9s %9s %9s  %s\n",
				"lib", "mode", "path", "size", "samples", "p50 us", "p99 us",
				"mean us", "max us", "check");
		else
			fprintf(f, "\n%-9s %-8s %8s %10s\n", "", "mode", "size", "MB/s");
	}
	if (!strcmp(r->mode, "throughput"))
		fprintf(f, "%-9s %-4s %8u %3u %3u %8.2f %11.0f %10.2f %9.2f %9llu  %s\n",
			who, r->path, r->size, r->senders, r->receivers, r->seconds,
			r->msgs_per_s, r->mb_per_s, r->mb_per_s_avg,
			(unsigned long long)r->try_again, verdict);
	else if (!strcmp(r->mode, "latency") || !strcmp(r->mode, "pingpong"))
		fprintf(f, "%-9s %-8s %-4s %8u %7u %9.1f %9.1f %9.1f %9.1f  %s\n",
			who, r->mode, r->path ? r->path : "-", r->size, r->lat.samples,
			r->lat.p50_us, r->lat.p99_us, r->lat.mean_us, r->lat.max_us, verdict);
	else
		fprintf(f, "%-9s %-8s %8u %10.1f\n", "raw", r->mode, r->size, r->mb_per_s);
}

void report(const struct bench_opts *o, const struct bench_lib *lib,
	    const struct bench_result *r)
{
	report_json(o, lib, r);
	if (o->table)
		report_table(o, lib, r);
}
