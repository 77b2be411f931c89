/* The baseline for tools/bench eventlog: the same operations as the event log, done with raw liblmdb.
 *   raw_lmdb append DIR COUNT BATCH VALUE_SIZE   durable appends with MDB_APPEND, BATCH puts per txn
 *   raw_lmdb append-indexed DIR COUNT BATCH VALUE_SIZE
 *       the same, plus the log's index writes: a stream and a type entry per event (40 streams, one
 *       type) and one time entry per transaction
 *   raw_lmdb scan DIR                            a cursor over every value, touching each one
 * Prints "<events per second> <bytes per second>".
 *   raw_lmdb read DIR STREAM AFTER_SEQ COUNT REPEAT
 *       REPEAT times, each in a read transaction of its own as a request has: a cursor over at most
 *       COUNT entries of STREAM in the stream index after AFTER_SEQ (COUNT 0: all of them), and each
 *       entry's event read by its key and touched; STREAM "-" reads COUNT events after AFTER_SEQ straight
 *       from the events database. Prints "<p50 ms> <p99 ms> <entries read>". */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define CHECK(call) do { int rc_ = (call); if (rc_) { fprintf(stderr, "%s: %s\n", #call, mdb_strerror(rc_)); exit(1); } } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static MDB_env *open_env(const char *dir) {
    MDB_env *env;
    CHECK(mdb_env_create(&env));
    CHECK(mdb_env_set_maxdbs(env, 4));
    CHECK(mdb_env_set_mapsize(env, (size_t)8 << 30));
    CHECK(mdb_env_open(env, dir, MDB_NOTLS, 0644));
    return env;
}

int main(int argc, char **argv) {
    if (argc == 6 && (strcmp(argv[1], "append") == 0 || strcmp(argv[1], "append-indexed") == 0)) {
        int indexed = strcmp(argv[1], "append-indexed") == 0;
        long count = atol(argv[3]), batch = atol(argv[4]), size = atol(argv[5]);
        MDB_env *env = open_env(argv[2]);
        MDB_txn *txn;
        MDB_dbi dbi, by_stream, by_type, by_time;
        CHECK(mdb_txn_begin(env, NULL, 0, &txn));
        CHECK(mdb_dbi_open(txn, "events", MDB_CREATE, &dbi));
        CHECK(mdb_dbi_open(txn, "by_stream", MDB_CREATE, &by_stream));
        CHECK(mdb_dbi_open(txn, "by_type", MDB_CREATE, &by_type));
        CHECK(mdb_dbi_open(txn, "by_time", MDB_CREATE, &by_time));
        CHECK(mdb_txn_commit(txn));
        char *value = malloc(size);
        for (long i = 0; i < size; i++) value[i] = (char)('a' + i % 26);
        double start = now();
        uint64_t seq = 0;
        for (long done = 0; done < count; done += batch) {
            CHECK(mdb_txn_begin(env, NULL, 0, &txn));
            for (long i = 0; i < batch && done + i < count; i++) {
                seq++;
                unsigned char key[8];
                for (int b = 0; b < 8; b++) key[b] = (unsigned char)(seq >> (56 - 8 * b));
                memcpy(value, &seq, sizeof seq); /* each value differs, as events do */
                MDB_val k = {8, key}, v = {(size_t)size, value};
                CHECK(mdb_put(txn, dbi, &k, &v, MDB_APPEND));
                if (indexed) {
                    unsigned char ikey[64];
                    int n = snprintf((char *)ikey, 40, "campaign:CAMPAIGN_%03ld", (long)(seq % 40));
                    ikey[n] = 0; memcpy(ikey + n + 1, key, 8);
                    MDB_val sk = {(size_t)n + 9, ikey}, empty = {0, ""};
                    CHECK(mdb_put(txn, by_stream, &sk, &empty, 0));
                    memcpy(ikey, "IntervalDerived", 16); memcpy(ikey + 16, key, 8);
                    MDB_val tk = {24, ikey};
                    CHECK(mdb_put(txn, by_type, &tk, &empty, 0));
                    if (i == 0) {
                        memcpy(ikey, key, 8); memcpy(ikey + 8, key, 8);
                        MDB_val mk = {16, ikey};
                        CHECK(mdb_put(txn, by_time, &mk, &empty, MDB_APPEND));
                    }
                }
            }
            CHECK(mdb_txn_commit(txn));
        }
        double seconds = now() - start;
        printf("%.0f %.0f\n", count / seconds, count * (double)size / seconds);
        mdb_env_close(env);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "scan") == 0) {
        MDB_env *env = open_env(argv[2]);
        MDB_txn *txn;
        MDB_dbi dbi;
        MDB_cursor *cursor;
        MDB_val k, v;
        double start = now();
        CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
        CHECK(mdb_dbi_open(txn, "events", 0, &dbi));
        CHECK(mdb_cursor_open(txn, dbi, &cursor));
        long count = 0;
        uint64_t bytes = 0, touch = 0;
        while (mdb_cursor_get(cursor, &k, &v, count ? MDB_NEXT : MDB_FIRST) == 0) {
            count++;
            bytes += v.mv_size;
            touch += ((unsigned char *)v.mv_data)[0] + ((unsigned char *)v.mv_data)[v.mv_size - 1];
        }
        mdb_cursor_close(cursor);
        mdb_txn_abort(txn);
        double seconds = now() - start;
        printf("%.0f %.0f\n", count / seconds, bytes / seconds);
        fprintf(stderr, "scanned %ld (%llu)\n", count, (unsigned long long)touch);
        mdb_env_close(env);
        return 0;
    }
    if (argc == 7 && strcmp(argv[1], "read") == 0) {
        const char *stream = argv[3];
        uint64_t after = strtoull(argv[4], NULL, 10);
        long count = atol(argv[5]), repeat = atol(argv[6]);
        size_t length = strlen(stream);
        if (length > 200 || repeat < 1) { fprintf(stderr, "raw_lmdb read: bad STREAM or REPEAT\n"); return 2; }
        MDB_env *env = open_env(argv[2]);
        MDB_txn *txn;
        MDB_dbi events, by_stream;
        CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
        CHECK(mdb_dbi_open(txn, "events", 0, &events));
        CHECK(mdb_dbi_open(txn, "by_stream", 0, &by_stream));
        CHECK(mdb_txn_commit(txn));
        unsigned char start[216];
        memcpy(start, stream, length);
        start[length] = 0;
        for (int b = 0; b < 8; b++) start[length + 1 + b] = (unsigned char)((after + 1) >> (56 - 8 * b));
        double *millis = malloc(sizeof(double) * repeat);
        long entries = 0;
        uint64_t touch = 0;
        for (long r = 0; r < repeat; r++) {
            double begin = now();
            MDB_cursor *cursor;
            MDB_val k = {length + 9, start}, v;
            CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
            CHECK(mdb_cursor_open(txn, by_stream, &cursor));
            entries = 0;
            if (strcmp(stream, "-") == 0) {
                MDB_cursor *events_cursor;
                MDB_val ek = {8, start + 2}, ev;
                CHECK(mdb_cursor_open(txn, events, &events_cursor));
                int erc = mdb_cursor_get(events_cursor, &ek, &ev, MDB_SET_RANGE);
                while (erc == 0 && (count == 0 || entries < count)) {
                    touch += ((unsigned char *)ev.mv_data)[0] + ((unsigned char *)ev.mv_data)[ev.mv_size - 1];
                    entries++;
                    erc = mdb_cursor_get(events_cursor, &ek, &ev, MDB_NEXT);
                }
                mdb_cursor_close(events_cursor);
            }
            int rc = strcmp(stream, "-") == 0 ? MDB_NOTFOUND : mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
            while (rc == 0 && (count == 0 || entries < count) && k.mv_size == length + 9
                   && memcmp(k.mv_data, stream, length + 1) == 0) {
                MDB_val key = {8, (unsigned char *)k.mv_data + length + 1}, event;
                CHECK(mdb_get(txn, events, &key, &event));
                touch += ((unsigned char *)event.mv_data)[0] + ((unsigned char *)event.mv_data)[event.mv_size - 1];
                entries++;
                rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
            }
            mdb_cursor_close(cursor);
            mdb_txn_abort(txn);
            millis[r] = (now() - begin) * 1000;
        }
        qsort(millis, repeat, sizeof(double), by_double);
        printf("%.3f %.3f %ld\n", millis[repeat / 2], millis[(repeat * 99 + 99) / 100 - 1], entries);
        fprintf(stderr, "read %ld entries (%llu)\n", entries, (unsigned long long)touch);
        mdb_env_close(env);
        return 0;
    }
    fprintf(stderr, "usage: raw_lmdb append|append-indexed DIR COUNT BATCH VALUE_SIZE | raw_lmdb scan DIR"
                    " | raw_lmdb read DIR STREAM AFTER_SEQ COUNT REPEAT\n");
    return 2;
}
