package io.mlship.jenkins

import groovy.json.JsonOutput
import groovy.json.JsonSlurperClassic

/**
 * JSON in and out of the CLI. JsonSlurperClassic gives plain HashMaps and ArrayLists, which survive
 * CPS serialization (JsonSlurper's LazyMap does not). Both calls are single method calls on non-CPS
 * classes, so no parser object is ever kept in a CPS local.
 */
class Json implements Serializable {
    private static final long serialVersionUID = 1L

    static Object parse(String text) {
        return new JsonSlurperClassic().parseText(text)
    }

    static String format(Object value) {
        return JsonOutput.toJson(value)
    }
}
