package org.passerelle.contracts.biometrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Transactions arrive at the intake and the inbox at the same time: each must be read as if it were alone. (jnbis'
 * record parser shares state between callers; a valid transaction was once refused as malformed because another was
 * parsed at the same moment, and a sender parks what its partner refuses.)
 */
class NistTransactionCheckConcurrencyTest {

    private static final int THREADS = 16;
    private static final int READS_PER_THREAD = 6;

    private final NistTransactionCheck check = new NistTransactionCheck(Samples.LIMIT);

    @Test
    void readsEveryTransactionTheSameWhenManyAreParsedAtOnce() throws Exception {
        // given the facts of each sample read alone
        List<byte[]> transactions = List.of(Samples.load(Samples.TYPE_4_14_SLAPS), Samples.load(Samples.PIV_INDEX_IRIS));
        List<TransactionFacts> alone = transactions.stream().map(check::read).toList();

        // when many threads read them at once, released together
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<TransactionFacts>>> readers = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                readers.add(threads.submit(() -> {
                    start.await();
                    List<TransactionFacts> read = new ArrayList<>();
                    for (int i = 0; i < READS_PER_THREAD; i++) {
                        read.add(check.read(transactions.get(i % transactions.size())));
                    }
                    return read;
                }));
            }
            start.countDown();

            // then every read succeeds with the same facts as alone
            for (Future<List<TransactionFacts>> reader : readers) {
                List<TransactionFacts> read = reader.get();
                for (int i = 0; i < read.size(); i++) {
                    assertThat(read.get(i)).isEqualTo(alone.get(i % alone.size()));
                }
            }
        }
    }
}
