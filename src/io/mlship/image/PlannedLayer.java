package io.mlship.image;

import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import java.util.List;

/** One layer mlship adds on top of the base: its name in logs and results, and its file entries. */
public record PlannedLayer(String name, List<FileEntry> entries) {
    public PlannedLayer {
        entries = List.copyOf(entries);
    }

    FileEntriesLayer toJib() {
        FileEntriesLayer.Builder builder = FileEntriesLayer.builder().setName(name);
        entries.forEach(builder::addEntry);
        return builder.build();
    }
}
