/* The baseline for tools/bench eventlog: the same operations as the event log, done with raw liblmdb.
 *   raw_lmdb append DIR COUNT BATCH VALUE_SIZE   durable appends with MDB_APPEND, BATCH puts per txn
 *   raw_lmdb append-indexed DIR COUNT BATCH VALUE_SIZE
 *       the same, plus the log's index writes: a stream and a type entry per event (40 streams, one
 *       type) and one time entry per transaction
 *   raw_lmdb scan DIR                            a cursor over every value, touching each one
 * Prints "<events per second> <bytes per second>". */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    fprintf(stderr, "usage: raw_lmdb append DIR COUNT BATCH VALUE_SIZE | raw_lmdb scan DIR\n");
    return 2;
}
