package io.mlship.kube.deploy;

import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a rollback of the service put back: the image the failed deploy ran and the one restored (null: removed). */
public record ServiceRollback(String environment, String namespace, String image, String restoredImage, String context)
        implements StageOutcome {

    @Override
    public MlshipException failure() {
        return null; // a rollback that fails throws: exit 4, a person must look
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("environment", environment);
        r.put("action", "rollback");
        r.put("namespace", namespace);
        r.put("image", image);
        r.put("restoredImage", restoredImage);
        r.put("context", context);
        return r;
    }
}
